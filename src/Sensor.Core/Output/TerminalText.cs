using System.Buffers;
using System.Text;

namespace Sensor.Core.Output;

/// <summary>
/// Text that is safe on a terminal and in a log line: every C0 control (newline included: a peer
/// must not start a forged log line), DEL and every C1 control (U+0080-U+009F; 0x9B is the 8-bit
/// CSI, which a terminal in 8-bit mode obeys as ESC [) becomes \xNN. The one escaping used for
/// the human output and the operational logs of every command.
/// </summary>
public static class TerminalText
{
    private static readonly SearchValues<char> Controls = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(c => (char)c), '\u007f', .. Enumerable.Range(0x80, 0x20).Select(c => (char)c)]);

    public static bool IsControl(int c) => Protocols.WireText.IsControl(c);

    /// <summary>The text with its controls escaped; the same string when there are none.</summary>
    public static string Escape(string text)
    {
        int first = text.AsSpan().IndexOfAny(Controls);
        if (first < 0)
            return text;
        var escaped = new StringBuilder(text.Length + 8).Append(text, 0, first);
        foreach (var c in text.AsSpan(first))
            Append(escaped, c);
        return escaped.ToString();
    }

    /// <summary>
    /// A peer's bytes as text: UTF-8 where it is valid (RFC 6531/6532 servers send it), each byte of
    /// an invalid sequence as \xNN, controls escaped.
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7e) < 0)
            return Encoding.ASCII.GetString(bytes);
        var text = new StringBuilder(bytes.Length);
        while (!bytes.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(bytes, out var rune, out int consumed) == OperationStatus.Done)
            {
                if (rune.IsBmp)
                    Append(text, (char)rune.Value);
                else
                    text.Append(rune.ToString());
            }
            else
            {
                consumed = 1;
                text.Append($"\\x{bytes[0]:x2}");
            }
            bytes = bytes[consumed..];
        }
        return text.ToString();
    }

    private static void Append(StringBuilder text, char c)
    {
        if (IsControl(c))
            text.Append($"\\x{(int)c:x2}");
        else
            text.Append(c);
    }
}
