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
        // Fast path: most wire text (verbs, capabilities, banners) is short printable ASCII with nothing to
        // escape, and repeats from session to session, so short text comes from a cache.
        if (bytes.Length <= maxChars && bytes.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7e) < 0 && bytes.IndexOf((byte)'\\') < 0)
            return bytes.Length <= ShortTextCache.MaxBytes ? ShortTextCache.Get(bytes) : Encoding.ASCII.GetString(bytes);
        var text = new StringBuilder(Math.Min(bytes.Length, maxChars));
        while (!bytes.IsEmpty)
        {
            if (text.Length >= maxChars)
            {
                text.Append('…');
                break;
            }
            if (Rune.DecodeFromUtf8(bytes, out var rune, out int consumed) != OperationStatus.Done)
            {
                consumed = 1;
                text.Append($"\\x{bytes[0]:x2}");
            }
            else if (IsControl(rune.Value))
                text.Append($"\\x{rune.Value:x2}");
            else if (rune.Value == '\\')
                text.Append("\\\\");
            else
                text.Append(rune.ToString());
            bytes = bytes[consumed..];
        }
        return text.ToString();
    }
}
