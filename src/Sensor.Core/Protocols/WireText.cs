using System.Buffers;
using System.Text;
using Sensor.Core.Protocols.Text;

namespace Sensor.Core.Protocols;

/// <summary>
/// Turns wire bytes into text that is safe to log or store and says exactly what crossed: UTF-8 where it
/// is valid (RFC 6531/6532 servers and clients send it), each byte of an invalid sequence as \xNN, every C0
/// and C1 control and DEL as \xNN (a peer must not start a forged log line or steer a terminal), a
/// backslash as \\ (so an escape cannot be forged), length capped.
/// </summary>
public static class WireText
{
    public const int DefaultMaxChars = 200;

    /// <summary>C0 controls, DEL and C1 controls (U+0080-U+009F; 0x9B is the 8-bit CSI).</summary>
    public static bool IsControl(int c) => c is < 0x20 or (>= 0x7f and <= 0x9f);

    public static string Escape(ReadOnlySpan<byte> bytes, int maxChars = DefaultMaxChars)
    {
        // Fast path: most wire text (verbs, capabilities, banners) is printable ASCII with nothing to escape,
        // and short text repeats from session to session, so it comes from a cache. Long lines (an IMAP
        // greeting or tagged reply with its capability list) keep their plain prefix in one copy.
        int plain = bytes.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7e);
        int backslash = bytes.IndexOf((byte)'\\');
        if (plain < 0 || (backslash >= 0 && backslash < plain))
            plain = backslash < 0 ? bytes.Length : backslash;
        if (plain == bytes.Length && bytes.Length <= maxChars)
            return bytes.Length <= ShortTextCache.MaxBytes ? ShortTextCache.Get(bytes) : Encoding.ASCII.GetString(bytes);
        if (plain >= maxChars)
            return string.Create(maxChars + 1, bytes[..maxChars], static (chars, ascii) =>
            {
                Encoding.ASCII.GetChars(ascii, chars);
                chars[^1] = '…';
            });
        var text = new StringBuilder(Math.Min(bytes.Length, maxChars) + 8);
        foreach (byte b in bytes[..plain])
            text.Append((char)b);
        AppendEscaped(text, bytes[plain..], maxChars);
        return text.ToString();
    }

    /// <summary>The slow path, rune by rune, with nothing allocated per character.</summary>
    private static void AppendEscaped(StringBuilder text, ReadOnlySpan<byte> bytes, int maxChars)
    {
        Span<char> utf16 = stackalloc char[2];
        while (!bytes.IsEmpty)
        {
            if (text.Length >= maxChars)
            {
                text.Append('…');
                return;
            }
            if (Rune.DecodeFromUtf8(bytes, out var rune, out int consumed) != OperationStatus.Done)
            {
                consumed = 1;
                AppendHex(text, bytes[0]);
            }
            else if (IsControl(rune.Value))
                AppendHex(text, rune.Value);
            else if (rune.Value == '\\')
                text.Append('\\').Append('\\');
            else
                text.Append(utf16[..rune.EncodeToUtf16(utf16)]);
            bytes = bytes[consumed..];
        }
    }

    private static void AppendHex(StringBuilder text, int value) =>
        text.Append('\\').Append('x').Append(HexDigits[(value >> 4) & 0xf]).Append(HexDigits[value & 0xf]);

    private const string HexDigits = "0123456789abcdef";
}
