using System.Text.Json;
using System.Threading.Channels;
using NATS.Client.Core;

namespace Sensor.Core.Fleet;

/// <summary>What JetStream answered to one publish.</summary>
public enum AckOutcome
{
    /// <summary>Stored, or stored already by an earlier send with the same Nats-Msg-Id (its ack was lost).</summary>
    Stored,

    /// <summary>The stream refused this record for itself (too large, say): sending it again would not help.</summary>
    Refused,

    /// <summary>JetStream could not take it now (no stream answers the subject, or the server is busy): retried.</summary>
    Unavailable,
}

/// <summary>One answer: the send number from its reply subject, the outcome, and the server's reason when not stored.</summary>
public readonly record struct PublishAck(long Send, AckOutcome Outcome, string? Reason);

/// <summary>
/// Publishes to JetStream without a round trip per record: each message goes out with its Nats-Msg-Id and
/// a reply subject <c>&lt;inbox&gt;.&lt;send number&gt;</c>, and one subscription on <c>&lt;inbox&gt;.*</c> collects
/// the acks (the pattern of the NATS clients' async publish). The subscription outlives reconnects.
/// </summary>
public sealed class PublishAcks : IAsyncDisposable
{
    private readonly NatsConnection _nats;
    private readonly string _prefix;
    private readonly INatsSub<byte[]> _sub;

    private PublishAcks(NatsConnection nats, string prefix, INatsSub<byte[]> sub) => (_nats, _prefix, _sub) = (nats, prefix, sub);

    public static async Task<PublishAcks> SubscribeAsync(NatsConnection nats, int window, CancellationToken token)
    {
        // not under the connection's own inbox prefix: the client routes those through its request multiplexer,
        // which takes one token after the prefix only
        var prefix = "_INBOX." + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
        // room for every ack of a full window and as many late ones: an ack the client drops costs a timeout and a resend
        var opts = new NatsSubOpts { ChannelOpts = new NatsSubChannelOpts { Capacity = 2 * window, FullMode = BoundedChannelFullMode.DropNewest } };
        var sub = await nats.SubscribeCoreAsync(prefix + ".*", serializer: NatsRawSerializer<byte[]>.Default, opts: opts, cancellationToken: token);
        return new PublishAcks(nats, prefix, sub);
    }

    public ValueTask PublishAsync(OutboxMessage message, long send, CancellationToken token) =>
        _nats.PublishAsync(message.Subject, message.Data, new NatsHeaders { ["Nats-Msg-Id"] = message.MsgId }, $"{_prefix}.{send}",
            NatsRawSerializer<ReadOnlyMemory<byte>>.Default, cancellationToken: token);

    public bool TryRead(out PublishAck ack)
    {
        while (_sub.Msgs.TryRead(out var msg))
        {
            if (Parse(msg) is { } parsed)
            {
                ack = parsed;
                return true;
            }
        }
        ack = default;
        return false;
    }

    public ValueTask<bool> WaitToReadAsync(CancellationToken token) => _sub.Msgs.WaitToReadAsync(token);

    private static PublishAck? Parse(NatsMsg<byte[]> msg)
    {
        var dot = msg.Subject.LastIndexOf('.');
        if (!long.TryParse(msg.Subject.AsSpan(dot + 1), out var send))
            return null;
        if (msg.HasNoResponders || msg.Data is not { Length: > 0 } data)
            return new PublishAck(send, AckOutcome.Unavailable, "no stream answers the subject");
        try
        {
            using var json = JsonDocument.Parse(data);
            if (!json.RootElement.TryGetProperty("error", out var error))
                return new PublishAck(send, AckOutcome.Stored, null);
            var code = error.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : 0;
            var reason = error.TryGetProperty("description", out var d) ? d.GetString() : null;
            // 4xx is about this message; 404, 408 and 5xx are about the stream or the server as it is now
            var refused = code is >= 400 and < 500 and not 404 and not 408;
            return new PublishAck(send, refused ? AckOutcome.Refused : AckOutcome.Unavailable, $"{code} {reason}");
        }
        catch (JsonException)
        {
            return new PublishAck(send, AckOutcome.Unavailable, "an answer that is not JSON");
        }
    }

    public ValueTask DisposeAsync() => _sub.DisposeAsync();
}
