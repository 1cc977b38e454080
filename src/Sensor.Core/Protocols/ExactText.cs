using System.Text;

namespace Sensor.Core.Protocols;

/// <summary>
/// A user name or secret exactly as it crossed the wire: the text decoded as UTF-8 when the bytes
/// are valid UTF-8 (RFC 4616 §2, RFC 6855 and RFC 5198 all carry names and passwords as UTF-8);
/// otherwise an escaped rendering (<see cref="WireText"/>) with the bytes themselves beside it in
/// <see cref="Base64"/>. No escaping is done for valid text: a backslash stays one backslash, and
/// escaping for JSON or for a console is the writer's job.
/// </summary>
public readonly record struct ExactText(string Text, string? Base64)
{
    /// <summary>The escaped rendering of bytes that are not UTF-8 is for reading; the exact bytes are in Base64.</summary>
    public const int MaxEscapedChars = 2048;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static ExactText From(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes))
            return new ExactText(StrictUtf8.GetString(bytes), null);
        return new ExactText(WireText.Escape(bytes, MaxEscapedChars), Convert.ToBase64String(bytes));
    }

    /// <summary>Text that is already exact (decoded from UTF-16 or Latin-1, or made by the parser).</summary>
    public static ExactText Of(string text) => new(text, null);
}
