using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Sensor.Core.Fleet;

/// <summary>
/// One record as the outbox journal stores it: a little-endian u32 payload length, the CRC-32 of the
/// payload, then the payload (u16 subject length, subject, u16 message id length, message id, the JSON).
/// The length and checksum find where a crash cut the last write short: a frame that does not check out
/// ends the segment's readable part.
/// </summary>
public static class JournalFrame
{
    public const int HeaderSize = 8;

    /// <summary>Frames larger than this are not records the sensor wrote (the NATS default max payload is 1 MiB).</summary>
    public const int MaxPayload = 64 << 20;

    public static void Write(IBufferWriter<byte> target, OutboxMessage message)
    {
        var subject = Encoding.UTF8.GetByteCount(message.Subject);
        var id = Encoding.UTF8.GetByteCount(message.MsgId);
        var payload = 2 + subject + 2 + id + message.Data.Length;
        var span = target.GetSpan(HeaderSize + payload)[..(HeaderSize + payload)];
        var body = span[HeaderSize..];
        BinaryPrimitives.WriteUInt16LittleEndian(body, (ushort)subject);
        Encoding.UTF8.GetBytes(message.Subject, body[2..]);
        BinaryPrimitives.WriteUInt16LittleEndian(body[(2 + subject)..], (ushort)id);
        Encoding.UTF8.GetBytes(message.MsgId, body[(4 + subject)..]);
        message.Data.Span.CopyTo(body[(4 + subject + id)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)payload);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], Crc32.HashToUInt32(body));
        target.Advance(span.Length);
    }

    /// <summary>The payload length a header announces, or -1 when it cannot be one of ours.</summary>
    public static int PayloadLength(ReadOnlySpan<byte> header)
    {
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        return length is >= 4 and <= MaxPayload ? (int)length : -1;
    }

    /// <summary>The record in <paramref name="payload"/> when its checksum matches <paramref name="header"/>'s, else null.</summary>
    public static OutboxMessage? Read(ReadOnlySpan<byte> header, ReadOnlyMemory<byte> payload)
    {
        var span = payload.Span;
        if (Crc32.HashToUInt32(span) != BinaryPrimitives.ReadUInt32LittleEndian(header[4..]))
            return null;
        var subject = BinaryPrimitives.ReadUInt16LittleEndian(span);
        if (2 + subject + 2 > span.Length)
            return null;
        var id = BinaryPrimitives.ReadUInt16LittleEndian(span[(2 + subject)..]);
        var data = 4 + subject + id;
        if (data > span.Length)
            return null;
        return new OutboxMessage(Encoding.UTF8.GetString(span.Slice(2, subject)), Encoding.UTF8.GetString(span.Slice(4 + subject, id)), payload[data..]);
    }
}
