namespace Sensor.Core.Probing.Locate;

/// <summary>What the first hop that answered the SYN said, as the decision reads it.</summary>
public enum HopVerdict
{
    /// <summary>Nothing answered the SYN within the hops walked.</summary>
    NoAnswer,
    /// <summary>The first answer was a TCP reset: no mail answer to judge.</summary>
    Reset,
    /// <summary>A SYN-ACK, but no greeting and capability list could be read after it.</summary>
    Unreadable,
    /// <summary>The answer offers no STARTTLS: where it first appears is the box's hop.</summary>
    NoStarttls,
    /// <summary>STARTTLS offered, but with another greeting or capability list than the server's.</summary>
    DifferentAnswer,
    /// <summary>The server's own answer: no box answers in its place before it.</summary>
    Server,
}

/// <summary>
/// The hop decision, pure: from the hops walked and the answer read at the first hop that answered,
/// which hop is the box's and which the server's, and the sentence that says so.
/// </summary>
public static class HopDecision
{
    /// <summary>
    /// Judges the first hop that answered the SYN. <paramref name="reference"/> is the server's answer
    /// (the full-TTL probe's, or another vantage point's when one is known): an answer that lacks STARTTLS, or
    /// differs from it, marks the box's hop; one that matches it is the server's hop.
    /// </summary>
    public static HopVerdict Judge(IReadOnlyList<LocateHop> hops, HopMailAnswer? answer, HopMailAnswer? reference)
    {
        var first = FirstAnswering(hops);
        if (first is null)
            return HopVerdict.NoAnswer;
        if (first.Answer == HopAnswer.Reset)
            return HopVerdict.Reset;
        if (answer is null || answer.Error is not null)
            return HopVerdict.Unreadable;
        if (!answer.StarttlsOffered)
            return HopVerdict.NoStarttls;
        return reference is null || SameAnswer(answer, reference) ? HopVerdict.Server : HopVerdict.DifferentAnswer;
    }

    /// <summary>Sets the box's and the server's hop and the summary from the verdict.</summary>
    public static void Apply(LocatedPath path, HopVerdict verdict)
    {
        var first = FirstAnswering(path.Hops);
        var hop = first?.Hop;
        path.BoxHop = verdict is HopVerdict.NoStarttls or HopVerdict.DifferentAnswer ? hop : null;
        path.ServerHop = verdict == HopVerdict.Server ? hop : null;
        path.Summary = Describe(path, verdict, hop);
    }

    public static LocateHop? FirstAnswering(IReadOnlyList<LocateHop> hops) =>
        hops.FirstOrDefault(h => h.Answer is HopAnswer.SynAck or HopAnswer.Reset);

    /// <summary>Same greeting and the same capabilities (in any order, any case: RFC 5321 §2.4 keywords are case-insensitive).</summary>
    public static bool SameAnswer(HopMailAnswer a, HopMailAnswer b) =>
        a.Banner == b.Banner
        && a.Capabilities.Select(c => c.ToUpperInvariant()).Order(StringComparer.Ordinal)
            .SequenceEqual(b.Capabilities.Select(c => c.ToUpperInvariant()).Order(StringComparer.Ordinal));

    private static string Describe(LocatedPath path, HopVerdict verdict, int? hop)
    {
        var before = Before(path.Hops, hop ?? int.MaxValue);
        var at = $"hop {hop}" + (path.BoxAddress is { } address ? $" ({address})"
            : path.OtherPort is HopAnswer.SynAck or HopAnswer.Reset
                ? ", where the server's address answers any port (the server's own hop or a box that takes every port; a box rewriting in flight sits anywhere up to it)"
                : "");
        return verdict switch
        {
            HopVerdict.NoAnswer => $"nothing answered the SYN within {path.Hops.Count} hops; hops seen: {before}",
            HopVerdict.Reset => $"a TCP reset first comes at hop {hop}; hops before it: {before}",
            HopVerdict.Unreadable => $"something answers the SYN at hop {hop} but its greeting and capabilities could not be read ({path.Answer?.Error}); hops before it: {before}",
            HopVerdict.NoStarttls => $"the answer without STARTTLS first appears at {at}; hops before it: {before}",
            HopVerdict.DifferentAnswer => $"another greeting or capability list than the server's first appears at {at}; hops before it: {before}",
            _ => $"the server's own answer (STARTTLS offered) first comes at hop {hop}: no box answers in its place before it; hops before it: {before}",
        };
    }

    /// <summary>"1 10.9.0.1, 2 *": the hops before <paramref name="hop"/>, a star for one that did not say who it is.</summary>
    private static string Before(IReadOnlyList<LocateHop> hops, int hop)
    {
        var listed = hops.Where(h => h.Hop < hop).Select(h => $"{h.Hop} {h.Address ?? "*"}").ToList();
        return listed.Count == 0 ? "none" : string.Join(", ", listed);
    }
}
