using System.Text;

namespace Sensor.Core.Protocols.Sasl;

/// <summary>
/// RFC 5802 §5.1/§7 (SCRAM-SHA-1, RFC 7677 SCRAM-SHA-256, and their -PLUS forms): the client-first
/// message "gs2-header n=saslname,r=nonce" names the user; the client-final message carries the
/// proof "p=". With the server-first salt and iteration count, the three messages let an observer
/// test password guesses offline (RFC 5802 §9).
/// </summary>
internal static class ScramMessage
{
    public static bool IsScram(string mechanism) => SaslMechanisms.Scram.Contains(mechanism);

    /// <summary>The user of a client-first message (saslname "=2C" and "=3D" decoded), or null when it has none.</summary>
    public static ExactText? User(byte[] clientFirst)
    {
        var parts = SaslText.Split(clientFirst, (byte)',', 32);
        // parts[0] is the channel-binding flag, parts[1] the optional "a=" authzid (RFC 5802 §7 gs2-header).
        foreach (var part in parts.Skip(2))
            if (part.AsSpan().StartsWith("n="u8))
                return ExactText.From(DecodeSaslName(part.AsSpan(2)));
        return null;
    }

    /// <summary>RFC 5802 §5.1: in a saslname "," is sent as "=2C" and "=" as "=3D"; decoded on the bytes, so UTF-8 stays as sent.</summary>
    private static byte[] DecodeSaslName(ReadOnlySpan<byte> name)
    {
        var decoded = new List<byte>(name.Length);
        for (int i = 0; i < name.Length; i++)
        {
            if (name[i] == (byte)'=' && name[(i + 1)..].StartsWith("2C"u8))
            {
                decoded.Add((byte)',');
                i += 2;
            }
            else if (name[i] == (byte)'=' && name[(i + 1)..].StartsWith("3D"u8))
            {
                decoded.Add((byte)'=');
                i += 2;
            }
            else
                decoded.Add(name[i]);
        }
        return [.. decoded];
    }

    /// <summary>True for a client-final message: it ends with the proof attribute.</summary>
    public static bool HasProof(byte[] message) => message.AsSpan().IndexOf(",p="u8) > 0;

    /// <summary>The offline-attack material: the three messages, base64 each, after the mechanism name.</summary>
    public static string Material(string mechanism, byte[] clientFirst, byte[]? serverFirst, byte[] clientFinal) =>
        $"$scram${mechanism}${Convert.ToBase64String(clientFirst)}${Convert.ToBase64String(serverFirst ?? [])}${Convert.ToBase64String(clientFinal)}";
}
