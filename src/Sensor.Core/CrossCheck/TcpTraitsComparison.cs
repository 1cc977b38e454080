using Sensor.Core.Output;

namespace Sensor.Core.CrossCheck;

/// <summary>
/// The answering host's TCP/IP traits here against those the probes' connections showed (docs/crosscheck.md,
/// "TCP/IP traits"). A SYN/ACK depends on the stack that sent it and on what the SYN asked for, and some of
/// it on the path, so each trait is set only against what is comparable:
/// the initial TTL (a different one is a different stack; the hop count is the path's, never compared);
/// the options in order, only between connections whose SYNs offered the same options (a host answers
/// only those offered, RFC 7323 §2.2, §3.2; RFC 2018 §2); where no such pair exists, whether SACK-permitted,
/// timestamps and window scaling were answered, each where both clients offered it; the window scale shift
/// where both answered one; the window only between connections with the same MSS and the same offer (stacks size
/// the first window in MSS units). The MSS itself is not compared: routers on a path clamp it (RFC 4459 §3.2).
/// Pure.
/// </summary>
internal static class TcpTraitsComparison
{
    private static readonly (string Name, string Option, Func<TcpTraitsRecord, bool> Answered)[] Presence =
    [
        ("SACK-permitted", "sok", t => t.SackPermitted),
        ("timestamps", "ts", t => t.Timestamps),
        ("window scaling", "ws", t => t.WindowScale is not null),
    ];

    public static void Compare(IReadOnlyCollection<TcpTraitsRecord> here, IReadOnlyCollection<TcpTraitsRecord> there, string vantages, List<string> differences)
    {
        if (here.Count == 0 || there.Count == 0)
            return;
        AnswerTraits.Compare("TCP initial TTL", Values(here, t => t.InitialTtl), Values(there, t => t.InitialTtl), vantages, differences);
        var (layoutsHere, layoutsThere) = Comparable(here.Where(t => t.Options is not null), there.Where(t => t.Options is not null), t => t.ClientOffered);
        if (layoutsHere.Count > 0 && layoutsThere.Count > 0)
            AnswerTraits.Compare("TCP options", Values(layoutsHere, t => t.Options), Values(layoutsThere, t => t.Options), vantages, differences);
        else
            foreach (var (name, option, answered) in Presence)
                AnswerTraits.Compare($"TCP {name}", YesNo(here.Where(t => Offered(t, option, answered)), answered),
                    YesNo(there.Where(t => Offered(t, option, answered)), answered), vantages, differences);
        AnswerTraits.Compare("TCP window scale", Values(here, t => t.WindowScale), Values(there, t => t.WindowScale), vantages, differences);
        var (windowsHere, windowsThere) = Comparable(here.Where(t => t.Window is not null), there.Where(t => t.Window is not null), t => $"{t.Mss} {t.ClientOffered}");
        AnswerTraits.Compare("TCP window", Values(windowsHere, t => t.Window), Values(windowsThere, t => t.Window), vantages, differences);
    }

    /// <summary>The records of each side whose key the other side has too.</summary>
    private static (List<TcpTraitsRecord> Here, List<TcpTraitsRecord> There) Comparable(
        IEnumerable<TcpTraitsRecord> here, IEnumerable<TcpTraitsRecord> there, Func<TcpTraitsRecord, string?> key)
    {
        var keysThere = there.Select(key).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var kept = here.Where(t => key(t) is { } k && keysThere.Contains(k)).ToList();
        var keysHere = kept.Select(key).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return (kept, [.. there.Where(t => key(t) is { } k && keysHere.Contains(k))]);
    }

    /// <summary>The client offered the option: its SYN said so, or, with the SYN unseen, the server answered it (it answers only offers).</summary>
    private static bool Offered(TcpTraitsRecord traits, string option, Func<TcpTraitsRecord, bool> answered) =>
        traits.ClientOffered is { } offered ? offered.Split(',').Contains(option) : answered(traits);

    private static List<string> Values<T>(IEnumerable<TcpTraitsRecord> traits, Func<TcpTraitsRecord, T?> value) where T : struct =>
        [.. traits.Select(value).OfType<T>().Select(v => v.ToString()!).Distinct(StringComparer.Ordinal)];

    private static List<string> Values(IEnumerable<TcpTraitsRecord> traits, Func<TcpTraitsRecord, string?> value) =>
        [.. traits.Select(value).OfType<string>().Distinct(StringComparer.Ordinal)];

    private static List<string> YesNo(IEnumerable<TcpTraitsRecord> traits, Func<TcpTraitsRecord, bool> answered) =>
        [.. traits.Select(t => answered(t) ? "yes" : "no").Distinct(StringComparer.Ordinal)];
}
