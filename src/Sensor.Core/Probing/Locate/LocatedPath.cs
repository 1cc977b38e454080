namespace Sensor.Core.Probing.Locate;

/// <summary>What came back for one TTL-limited probe (the probe record's locate.hops[].answer).</summary>
public static class HopAnswer
{
    /// <summary>ICMP time exceeded: a router at this hop, whose address is the hop's.</summary>
    public const string TimeExceeded = "time-exceeded";
    /// <summary>ICMP destination unreachable from this hop: it refuses to forward the probe.</summary>
    public const string Unreachable = "unreachable";
    /// <summary>A SYN-ACK: something at this hop (or before) answers for the server's address.</summary>
    public const string SynAck = "syn-ack";
    /// <summary>A TCP reset: something at this hop (or before) refuses the connection in the server's name.</summary>
    public const string Reset = "reset";
    /// <summary>Nothing within the wait: a router that sends no ICMP, or a probe lost.</summary>
    public const string None = "none";
}

/// <summary>One TTL of the walk: the hop number, what answered, and the ICMP sender's address when one answered.</summary>
public sealed class LocateHop
{
    public int Hop { get; set; }
    public string? Address { get; set; }
    public string Answer { get; set; } = HopAnswer.None;
}

/// <summary>The mail answer (greeting and capability list) read at the first hop that answered the SYN.</summary>
public sealed class HopMailAnswer
{
    public string? Banner { get; set; }
    public List<string> Capabilities { get; set; } = [];
    public bool StarttlsOffered { get; set; }
    /// <summary>Why the answer could not be read whole (the probe's own error text); null when it was.</summary>
    public string? Error { get; set; }
}

/// <summary>
/// The probe record's "locate" object (docs/probes.md): the hops walked with TTL-limited SYNs, where the
/// answer without STARTTLS (or another answer than the server's) first appears, and where the server answers.
/// </summary>
public sealed class LocatedPath
{
    /// <summary>How the hops were walked; "tcp-syn-ttl" (docs/probes.md says what it can and cannot locate).</summary>
    public string Method { get; set; } = PathLocator.Method;
    public List<LocateHop> Hops { get; set; } = [];
    /// <summary>The mail answer at the first hop that answered the SYN; null when none did or it was not read.</summary>
    public HopMailAnswer? Answer { get; set; }
    /// <summary>The first hop whose answer lacks STARTTLS or differs from the server's; null when none does.</summary>
    public int? BoxHop { get; set; }
    /// <summary>The box's own address, when it forwards a SYN to another port and its TTL runs out there; else null.</summary>
    public string? BoxAddress { get; set; }
    /// <summary>
    /// What a SYN with the box's TTL to another port (discard, 9) drew: time-exceeded (a router that took over
    /// the mail port; the server is further on), syn-ack or reset (the server's address answers any port there:
    /// the server's own hop, or a box that takes every port), none; null when no box hop was found.
    /// </summary>
    public string? OtherPort { get; set; }
    /// <summary>The hop where the server's own answer (STARTTLS offered, the same greeting and capabilities) comes from; null when a box answers first.</summary>
    public int? ServerHop { get; set; }
    public string Summary { get; set; } = "";
    /// <summary>Why the walk could not be made or finished (no raw socket, an unsupported target); null when it was.</summary>
    public string? Error { get; set; }

    public static LocatedPath Failed(string error) => new() { Error = error, Summary = $"not located: {error}" };
}
