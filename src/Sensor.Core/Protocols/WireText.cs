using System.Text;
using Sensor.Core.Protocols.Text;

namespace Sensor.Core.Protocols;

/// <summary>Turns wire bytes into text that is safe to log or store: printable ASCII kept, the rest escaped, length capped.</summary>
public static class WireText
{
    public const int DefaultMaxChars = 200;

    public static string Escape(ReadOnlySpan<byte> bytes, int maxChars = DefaultMaxChars)
    {
        // Fast path: most wire text (verbs, capabilities, banners) is short printable ASCII with nothing to
        // escape, and repeats from session to session, so short text comes from a cache.
        if (bytes.Length <= maxChars && bytes.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7e) < 0 && bytes.IndexOf((byte)'\\') < 0)
            return bytes.Length <= ShortTextCache.MaxBytes ? ShortTextCache.Get(bytes) : Encoding.ASCII.GetString(bytes);
        var text = new StringBuilder(Math.Min(bytes.Length, maxChars));
        foreach (byte b in bytes)
        {
            if (text.Length >= maxChars)
            {
                text.Append('…');
                break;
            }
            if (b is >= 0x20 and < 0x7f && b != (byte)'\\')
                text.Append((char)b);
            else
                text.Append(b == (byte)'\\' ? "\\\\" : $"\\x{b:x2}");
        }
        return text.ToString();
    }
}
