namespace Sensor.Core.Decoding.Fragments;

/// <summary>
/// Caps of IP reassembly; crossing one is counted, never unbounded growth (STYLE.md practice 5).
/// The defaults follow Linux, whose reassembly the watched mail servers mostly run: 4 MiB of
/// fragments in total (net.ipv4.ipfrag_high_thresh), 30 s for IPv4 (ipfrag_time) and 60 s for IPv6
/// (ip6frag_time, the 60 s of RFC 8200 §4.5).
/// </summary>
public sealed record DefragmentLimits
{
    /// <summary>Bytes held for all unfinished datagrams (buffers and bookkeeping); past it the oldest datagram is evicted.</summary>
    public long MaxBufferedBytes { get; init; } = 4L * 1024 * 1024;

    /// <summary>Bytes one datagram may hold; a datagram growing past it is given up. 65535 is the largest IP datagram.</summary>
    public int MaxDatagramBytes { get; init; } = 65535;

    /// <summary>An IPv4 datagram unfinished this long after its first fragment, in capture time, is given up.</summary>
    public TimeSpan Ipv4Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The same for IPv6.</summary>
    public TimeSpan Ipv6Timeout { get; init; } = TimeSpan.FromSeconds(60);

    public static DefragmentLimits Default { get; } = new();

    /// <summary>Checks the values once, when a defragmenter is made: a bad configuration fails at start, never on the packet path.</summary>
    public void Validate()
    {
        if (MaxBufferedBytes < 1 || MaxDatagramBytes < 1)
            throw new ArgumentException("IP reassembly caps must be positive");
        if (Ipv4Timeout <= TimeSpan.Zero || Ipv6Timeout <= TimeSpan.Zero)
            throw new ArgumentException("IP reassembly timeouts must be positive");
    }
}
