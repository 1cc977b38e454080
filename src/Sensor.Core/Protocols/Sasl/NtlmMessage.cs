using System.Buffers.Binary;
using System.Text;

namespace Sensor.Core.Protocols.Sasl;

/// <summary>
/// NTLM over SASL-style AUTH (MS-SMTPNTHT, MS-OXIMAP, MS-OXPOP3; messages per MS-NLMP §2.2.1): the
/// server's CHALLENGE_MESSAGE carries the 8-byte server challenge, the client's AUTHENTICATE_MESSAGE
/// the user, domain and the LM/NT responses. Together they are NetNTLMv1 or NetNTLMv2 material that
/// an observer can attack offline; it is written in the hashcat forms (modes 5500 and 5600).
/// </summary>
internal static class NtlmMessage
{
    private const int ChallengeType = 2, AuthenticateType = 3, NegotiateUnicode = 0x1;
    private static ReadOnlySpan<byte> Signature => "NTLMSSP\0"u8;

    public readonly record struct Authenticate(string User, string Domain, byte[] LmResponse, byte[] NtResponse);

    /// <summary>The message type (1 negotiate, 2 challenge, 3 authenticate), or 0 when it is no NTLM message.</summary>
    public static int TypeOf(ReadOnlySpan<byte> message) =>
        message.Length >= 12 && message.StartsWith(Signature) ? (int)BinaryPrimitives.ReadUInt32LittleEndian(message[8..]) : 0;

    /// <summary>The server challenge of a CHALLENGE_MESSAGE (offset 24, 8 bytes), or null.</summary>
    public static byte[]? ServerChallenge(byte[]? message) =>
        message is { Length: >= 32 } && TypeOf(message) == ChallengeType ? message[24..32] : null;

    /// <summary>Reads an AUTHENTICATE_MESSAGE; false when a field points outside the message.</summary>
    public static bool TryReadAuthenticate(byte[] message, out Authenticate result)
    {
        result = default;
        if (message.Length < 64 || TypeOf(message) != AuthenticateType)
            return false;
        bool unicode = (BinaryPrimitives.ReadUInt32LittleEndian(message.AsSpan(60)) & NegotiateUnicode) != 0;
        if (!TryField(message, 12, out var lm) || !TryField(message, 20, out var nt)
            || !TryField(message, 28, out var domain) || !TryField(message, 36, out var user))
            return false;
        result = new Authenticate(Text(user, unicode), Text(domain, unicode), lm, nt);
        return true;
    }

    /// <summary>"domain\user" as Windows writes it, or the bare user when no domain was sent.</summary>
    public static string Account(Authenticate auth) => auth.Domain.Length == 0 ? auth.User : $"{auth.Domain}\\{auth.User}";

    /// <summary>NetNTLMv1 (24-byte NT response): user::domain:lm:nt:challenge; NetNTLMv2: user::domain:challenge:ntproof:blob.</summary>
    public static string Material(Authenticate auth, byte[]? challenge)
    {
        string server = Convert.ToHexStringLower(challenge ?? []);
        if (auth.NtResponse.Length == 24)
            return $"{auth.User}::{auth.Domain}:{Convert.ToHexStringLower(auth.LmResponse)}:{Convert.ToHexStringLower(auth.NtResponse)}:{server}";
        int proof = Math.Min(16, auth.NtResponse.Length);
        return $"{auth.User}::{auth.Domain}:{server}:{Convert.ToHexStringLower(auth.NtResponse.AsSpan(0, proof))}:{Convert.ToHexStringLower(auth.NtResponse.AsSpan(proof))}";
    }

    /// <summary>MS-NLMP §2.2.1.3 fields: length (2), allocated length (2), offset (4) from the message start.</summary>
    private static bool TryField(byte[] message, int at, out byte[] value)
    {
        int length = BinaryPrimitives.ReadUInt16LittleEndian(message.AsSpan(at));
        long offset = BinaryPrimitives.ReadUInt32LittleEndian(message.AsSpan(at + 4));
        value = [];
        if (offset + length > message.Length)
            return false;
        value = message.AsSpan((int)offset, length).ToArray();
        return true;
    }

    /// <summary>MS-NLMP §2.2.2.5: names are UTF-16LE when NEGOTIATE_UNICODE was agreed, else OEM (read as Latin-1); the text is exact.</summary>
    private static string Text(byte[] bytes, bool unicode) =>
        unicode ? Encoding.Unicode.GetString(bytes) : Encoding.Latin1.GetString(bytes);
}
