using System.Text.Json;
using System.Threading.Channels;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Sensor.Core.Agents;

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
/// One connection to the bus for publishing, used until it fails and then dropped whole: publishes to
/// JetStream without a round trip per record (each message goes out with its Nats-Msg-Id and a reply
/// subject <c>&lt;inbox&gt;.&lt;send number&gt;</c>, and one subscription on <c>&lt;inbox&gt;.*</c> collects the
/// acks, the pattern of the NATS clients' async publish). A lost link is closed at once, not left to the
/// client's reconnect: messages the client would hold through a reconnect would reach the stream after the
/// ones the publisher sends again from the first unacknowledged, out of the order they were made in; a new
/// link starts from there instead.
/// </summary>
public sealed class FleetLink : IAsyncDisposable
{
    private readonly NatsConnection _nats;
    private readonly string _prefix;
    private readonly INatsSub<byte[]> _sub;
    private readonly CancellationTokenSource _lost = new();

    private FleetLink(NatsConnection nats, string prefix, INatsSub<byte[]> sub)
    {
        (_nats, _prefix, _sub) = (nats, prefix, sub);
        nats.ConnectionDisconnected += (_, _) =>
        {
            _lost.Cancel();
            return ValueTask.CompletedTask;
        };
    }

    /// <summary>Cancelled when the connection drops.</summary>
    public CancellationToken Lost => _lost.Token;

    public bool IsLost => _lost.IsCancellationRequested || _nats.ConnectionState != NatsConnectionState.Open;

    /// <summary>Connects, makes sure the stream exists (<see cref="FleetStream.EnsureAsync"/>) and subscribes to the acks.</summary>
    public static async Task<FleetLink> OpenAsync(NatsOpts bus, int window, CancellationToken token)
    {
        // one reconnect attempt at most (0 would mean no limit): the publisher drops a link as soon as it is lost
        var nats = await AgentBus.ConnectAsync(bus with { MaxReconnectRetry = 1 }, token);
        try
        {
            await FleetStream.EnsureAsync(new NatsJSContext(nats), token);
            // not under the connection's own inbox prefix: the client routes those through its request multiplexer,
            // which takes one token after the prefix only
            var prefix = "_INBOX." + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
            // room for every ack of a full window and as many late ones: an ack the client drops costs a timeout and a resend
            var opts = new NatsSubOpts { ChannelOpts = new NatsSubChannelOpts { Capacity = 2 * window, FullMode = BoundedChannelFullMode.DropNewest } };
            var sub = await nats.SubscribeCoreAsync(prefix + ".*", serializer: NatsRawSerializer<byte[]>.Default, opts: opts, cancellationToken: token);
            return new FleetLink(nats, prefix, sub);
        }
        catch
        {
            await nats.DisposeAsync();
            throw;
        }
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

    /// <summary>Closes the connection; what it still held unsent is dropped (the publisher sends it again on the next link).</summary>
    public async ValueTask DisposeAsync()
    {
        await _lost.CancelAsync();
        await QuietlyAsync(_sub.DisposeAsync); // unsubscribing on a dead connection can time out
        await QuietlyAsync(_nats.DisposeAsync); // always: it ends the client's reconnecting and drops what it held
        _lost.Dispose();
    }

    private static async Task QuietlyAsync(Func<ValueTask> close)
    {
        try
        {
            await close();
        }
        catch (Exception e) when (e is NatsException or TimeoutException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // the connection is gone already
        }
    }
}
