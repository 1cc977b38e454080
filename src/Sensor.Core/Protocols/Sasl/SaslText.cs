using System.Buffers.Text;

namespace Sensor.Core.Protocols.Sasl;

/// <summary>Base64 and field helpers for SASL messages (RFC 4422 §3; base64 per RFC 4648 §4).</summary>
internal static class SaslText
{
    /// <summary>Decodes a base64 SASL message; "=" is the empty message (RFC 4954 §4, RFC 4959 §3). False when not base64.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> text, out byte[] decoded)
    {
        text = text.Trim((byte)' ');
        decoded = [];
        if (text.IsEmpty || (text.Length == 1 && text[0] == (byte)'='))
            return true;
        var buffer = new byte[Base64.GetMaxDecodedFromUtf8Length(text.Length)];
        var status = Base64.DecodeFromUtf8(text, buffer, out int consumed, out int written);
        if (status != System.Buffers.OperationStatus.Done || consumed != text.Length)
            return false;
        decoded = buffer[..written];
        return true;
    }

    /// <summary>Splits on a separator byte into at most <paramref name="max"/> parts.</summary>
    public static List<byte[]> Split(ReadOnlySpan<byte> bytes, byte separator, int max = 16)
    {
        var parts = new List<byte[]>();
        while (parts.Count < max - 1)
        {
            int at = bytes.IndexOf(separator);
            if (at < 0)
                break;
            parts.Add(bytes[..at].ToArray());
            bytes = bytes[(at + 1)..];
        }
        parts.Add(bytes.ToArray());
        return parts;
    }

    /// <summary>The value of key="value" or key=value in a DIGEST-MD5 message (RFC 2831 §2.1.2), or null.</summary>
    public static string? DirectiveValue(string message, string key)
    {
        foreach (var part in message.Split(','))
        {
            int eq = part.IndexOf('=');
            if (eq < 0 || !part[..eq].Trim().Equals(key, StringComparison.OrdinalIgnoreCase))
                continue;
            return part[(eq + 1)..].Trim().Trim('"');
        }
        return null;
    }
}
