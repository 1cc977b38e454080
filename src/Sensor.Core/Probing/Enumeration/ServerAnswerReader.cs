using Sensor.Core.Protocols;
using Sensor.Core.Protocols.Tls;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Probing.Enumeration;

/// <summary>What a server answered to one ClientHello.</summary>
public enum AnswerKind { NeedMore, ServerHello, Alert, Closed, Timeout, Garbage, NoTls }

/// <summary>
/// One answer: a ServerHello (version chosen, suite), an alert (level, description), the connection
/// closed, a timeout, bytes that are not TLS, or no TLS reached at all (connect/STARTTLS failed).
/// </summary>
public sealed record HelloAnswer(AnswerKind Kind, string? Version = null, ushort Suite = 0, string? SuiteName = null, string? Detail = null)
{
    public static readonly HelloAnswer NeedMore = new(AnswerKind.NeedMore);
}

/// <summary>
/// Reads the server's first answer to a ClientHello from the bytes received so far: TLS records
/// (RFC 5246 §6.2.1) until either an alert record or the whole first handshake message, which must be
/// a ServerHello (decoded by the passive side's <see cref="TlsHandshakeDecoder"/>, so supported_versions
/// picks the version as it does there). A record longer than the TLS limit, a content type other than
/// handshake or alert, a non-3.x record version, a first handshake message that is not a ServerHello,
/// or more than <see cref="MaxBytes"/> without an answer is "garbage" at once, never a wait. Pure.
/// </summary>
public static class ServerAnswerReader
{
    /// <summary>RFC 5246 §6.2.3: a ciphertext record is at most 2^14 + 2048 bytes.</summary>
    public const int MaxRecordLength = 16384 + 2048;

    /// <summary>Most bytes read before a ServerHello must have been seen (it is the first message; certificates come after).</summary>
    public const int MaxBytes = 64 * 1024;

    private const byte ServerHelloType = 2;

    public static HelloAnswer Read(ReadOnlySpan<byte> data)
    {
        var handshake = new List<byte>();
        var offset = 0;
        while (true)
        {
            if (data.Length - offset < 5)
                return Incomplete(data.Length);
            var header = data.Slice(offset, 5);
            byte type = header[0];
            int length = header[3] << 8 | header[4];
            if (type is not (TlsContentType.Handshake or TlsContentType.Alert) || header[1] != 3)
                return Garbage($"not a TLS record: starts with {Hex(data.Slice(offset, Math.Min(8, data.Length - offset)))}{Text(data[offset..])}");
            if (length > MaxRecordLength)
                return Garbage($"a TLS record of {length} bytes, above the {MaxRecordLength}-byte limit");
            if (length == 0)
                return Garbage("an empty TLS record");
            if (data.Length - offset - 5 < length)
                return Incomplete(data.Length);
            var payload = data.Slice(offset + 5, length);
            offset += 5 + length;
            if (type == TlsContentType.Alert)
            {
                if (handshake.Count > 0 || payload.Length < 2)
                    return Garbage("a malformed alert");
                return new HelloAnswer(AnswerKind.Alert, Detail: AlertName(payload[0], payload[1]));
            }
            handshake.AddRange(payload.ToArray());
            if (handshake[0] != ServerHelloType)
                return Garbage($"the first handshake message is type {handshake[0]}, not a ServerHello");
            if (handshake.Count < 4)
                continue;
            var messageLength = handshake[1] << 16 | handshake[2] << 8 | handshake[3];
            if (messageLength > MaxBytes)
                return Garbage($"a ServerHello of {messageLength} bytes");
            if (handshake.Count < 4 + messageLength)
                continue;
            return DecodeServerHello([.. handshake.Skip(4).Take(messageLength)]);
        }
    }

    private static HelloAnswer DecodeServerHello(byte[] body)
    {
        var events = new MailEventList();
        new TlsHandshakeDecoder(Direction.ServerToClient).Decode(ServerHelloType, body, events);
        if (events.OfType<TlsServerHelloEvent>().FirstOrDefault() is not { } hello)
            return Garbage("a malformed ServerHello");
        // TlsNames spells unknown versions "0xNNNN": a server that picks one did not speak TLS
        return hello.Version.StartsWith("0x", StringComparison.Ordinal)
            ? Garbage($"a ServerHello choosing version {hello.Version}")
            : new HelloAnswer(AnswerKind.ServerHello, hello.Version, hello.CipherSuite, hello.CipherName);
    }

    private static HelloAnswer Incomplete(int received) =>
        received >= MaxBytes ? Garbage($"{received} bytes without a complete ServerHello or alert") : HelloAnswer.NeedMore;

    private static HelloAnswer Garbage(string detail) => new(AnswerKind.Garbage, Detail: detail);

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>A server that answers in text (an SMTP error) is shown as text too.</summary>
    private static string Text(ReadOnlySpan<byte> bytes)
    {
        var head = bytes[..Math.Min(60, bytes.Length)];
        foreach (var b in head)
            if (b is < 0x20 and not (byte)'\r' and not (byte)'\n' || b > 0x7e)
                return "";
        return $" (\"{System.Text.Encoding.ASCII.GetString(head).TrimEnd()}\")";
    }

    /// <summary>RFC 8446 §6 / RFC 5246 §7.2 alert descriptions.</summary>
    public static string AlertName(byte level, byte description)
    {
        var name = description switch
        {
            0 => "close_notify",
            10 => "unexpected_message",
            20 => "bad_record_mac",
            22 => "record_overflow",
            40 => "handshake_failure",
            42 => "bad_certificate",
            47 => "illegal_parameter",
            50 => "decode_error",
            51 => "decrypt_error",
            70 => "protocol_version",
            71 => "insufficient_security",
            80 => "internal_error",
            86 => "inappropriate_fallback",
            90 => "user_canceled",
            109 => "missing_extension",
            110 => "unsupported_extension",
            112 => "unrecognized_name",
            _ => $"alert {description}",
        };
        return level == 2 ? $"fatal {name}" : level == 1 ? $"warning {name}" : $"level {level} {name}";
    }
}
