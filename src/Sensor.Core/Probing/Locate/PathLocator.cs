using System.Net;
using System.Net.Sockets;

namespace Sensor.Core.Probing.Locate;

/// <summary>
/// `--locate`: walks the path to a mail server one TTL at a time (<see cref="TtlProbe"/>) until
/// something answers the SYN, reads the greeting and capability list there, and says at which hop
/// the answer without STARTTLS (or another answer than the server's) first appears, with the routers
/// before it. A transparent proxy that terminates TCP answers at its own hop, before the server's;
/// a box that only rewrites the server's reply in flight cannot be placed this way (docs/probes.md).
/// </summary>
public static class PathLocator
{
    public const string Method = "tcp-syn-ttl";

    /// <summary>The most hops walked (traceroute's default).</summary>
    public const int MaxHops = 30;

    /// <summary>How long one hop may take to answer: a router's ICMP comes back within one round trip.</summary>
    public static readonly TimeSpan HopWait = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The port of the second SYN sent at the box's hop to learn the box's own address: discard (RFC 863),
    /// which a mail interceptor does not take over, so a box that also routes forwards it and its TTL runs out there.
    /// </summary>
    public const int SideDoorPort = 9;

    /// <param name="reference">the server's answer (the full-TTL probe's, or another vantage point's): an answer at a hop that differs from it is a box's</param>
    public static async Task<LocatedPath> RunAsync(ProbeTarget target, IPAddress address, ProbeOptions options, HopMailAnswer? reference,
        IcmpListener icmp, CancellationToken token = default)
    {
        if (target.ImplicitTls)
            return LocatedPath.Failed("locating walks STARTTLS ports; this port speaks TLS from the start");
        if ((address.AddressFamily == AddressFamily.InterNetworkV6) != icmp.IsV6)
            return LocatedPath.Failed($"no ICMP listener for {address.AddressFamily}");
        var path = new LocatedPath();
        var remote = new IPEndPoint(address, target.Port);
        for (var ttl = 1; ttl <= MaxHops; ttl++)
        {
            var outcome = await TtlProbe.SendAsync(remote, ttl, icmp, HopWait, token);
            path.Hops.Add(new LocateHop { Hop = ttl, Address = outcome.From?.ToString(), Answer = outcome.Answer });
            if (outcome.Socket is { } socket)
            {
                using (socket)
                    path.Answer = await ReadAnswerAsync(socket, target, options, token);
                break;
            }
            if (outcome.Answer == HopAnswer.Reset)
                break;
        }
        var verdict = HopDecision.Judge(path.Hops, path.Answer, reference);
        if (verdict is HopVerdict.NoStarttls or HopVerdict.DifferentAnswer)
            await AskOtherPortAsync(path, address, icmp, token);
        HopDecision.Apply(path, verdict);
        return path;
    }

    /// <summary>The server's answer as a full-TTL probe read it.</summary>
    public static HopMailAnswer AnswerOf(ProbeResult result) =>
        new() { Banner = result.Banner, Capabilities = [.. result.Capabilities], StarttlsOffered = result.StartTlsOffered };

    /// <summary>Greeting and EHLO/CAPABILITY/CAPA on the connection made at this hop, then QUIT/LOGOUT.</summary>
    private static async Task<HopMailAnswer> ReadAnswerAsync(Socket socket, ProbeTarget target, ProbeOptions options, CancellationToken token)
    {
        var result = new ProbeResult { Target = target };
        var dialogue = ProbeDialogue.For(target.Protocol, options);
        using var total = CancellationTokenSource.CreateLinkedTokenSource(token);
        total.CancelAfter(options.TotalTimeout);
        var connection = new ProbeConnection(new NetworkStream(socket, ownsSocket: false), options, total.Token, new ProbeReading(target.Protocol));
        string? error = null;
        try
        {
            await dialogue.GreetAsync(connection, result);
            await dialogue.CapabilitiesAsync(connection, result);
            await dialogue.QuitAsync(connection);
        }
        catch (ProbeStepException e) when (e.Outcome != ProbeOutcome.StartTlsAbsent)
        {
            error = e.Message;
        }
        catch (ProbeStepException)
        {
            // EHLO refused: an answer without STARTTLS, which is what is judged
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            error = $"the answer took longer than {ProbeConnection.Seconds(options.TotalTimeout)}";
        }
        var answer = AnswerOf(result);
        answer.Error = error;
        return answer;
    }

    /// <summary>A SYN to the discard port with the box's TTL: the time exceeded it draws names the box, if it routes.</summary>
    private static async Task AskOtherPortAsync(LocatedPath path, IPAddress address, IcmpListener icmp, CancellationToken token)
    {
        var outcome = await TtlProbe.SendAsync(new IPEndPoint(address, SideDoorPort), path.Hops[^1].Hop, icmp, HopWait, token);
        outcome.Socket?.Dispose();
        path.OtherPort = outcome.Answer;
        path.BoxAddress = outcome.Answer == HopAnswer.TimeExceeded ? outcome.From?.ToString() : null;
    }
}
