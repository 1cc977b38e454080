namespace Sensor.Core.Decoding;

/// <summary>Per-result frame counters; a plain struct so counting costs nothing on the packet path.</summary>
public struct DecodeStats
{
    /// <summary>Kinds of unknown encapsulation counted one by one; more are counted together under <see cref="OtherKinds"/>.</summary>
    public const int MaxKinds = 64;
    public static readonly EncapsulationKind OtherKinds = new(EncapsulationLayer.None, 0);

    public long Tcp;
    public long NotTcp;
    public long Truncated;
    public long Malformed;
    public long Fragment;
    public long UnsupportedLink;
    public long UnknownEncapsulation;

    /// <summary>Frames per kind of encapsulation not decoded; made on the first such frame.</summary>
    public Dictionary<EncapsulationKind, long>? UnknownKinds;

    public readonly long Total => Tcp + NotTcp + Truncated + Malformed + Fragment + UnsupportedLink + UnknownEncapsulation;

    /// <summary>Every counter by its name in the stats record (snake_case); a new counter is one more line here.</summary>
    public readonly Dictionary<string, long> Counters() => new()
    {
        ["tcp"] = Tcp,
        ["not_tcp"] = NotTcp,
        ["truncated"] = Truncated,
        ["malformed"] = Malformed,
        ["fragment"] = Fragment,
        ["unsupported_link"] = UnsupportedLink,
        ["unknown_encapsulation"] = UnknownEncapsulation,
    };

    public void Count(DecodeResult result)
    {
        switch (result)
        {
            case DecodeResult.Tcp: Tcp++; break;
            case DecodeResult.NotTcp: NotTcp++; break;
            case DecodeResult.Truncated: Truncated++; break;
            case DecodeResult.Malformed: Malformed++; break;
            case DecodeResult.Fragment: Fragment++; break;
            case DecodeResult.UnknownEncapsulation: UnknownEncapsulation++; break;
            default: UnsupportedLink++; break;
        }
    }

    /// <summary>Locked: a live sensor's stats are read from another thread (this path is rare, the lock uncontended).</summary>
    public void CountUnknown(EncapsulationKind kind)
    {
        var kinds = UnknownKinds ??= [];
        lock (kinds)
        {
            if (kinds.Count >= MaxKinds && !kinds.ContainsKey(kind))
                kind = OtherKinds;
            kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
        }
    }

    /// <summary>"name: frames" per kind, most frames first, for the run summary and the logs.</summary>
    public readonly IReadOnlyList<KeyValuePair<string, long>> UnknownByName() => Merge([this]);

    /// <summary>The kinds of several decoders (a live sensor's workers) added up, most frames first.</summary>
    public static IReadOnlyList<KeyValuePair<string, long>> Merge(IEnumerable<DecodeStats> stats)
    {
        var total = new Dictionary<string, long>();
        foreach (var kinds in stats.Select(s => s.UnknownKinds).OfType<Dictionary<EncapsulationKind, long>>())
            lock (kinds)
                foreach (var (kind, frames) in kinds)
                {
                    string name = kind == OtherKinds ? "(other kinds)" : kind.ToString();
                    total[name] = total.GetValueOrDefault(name) + frames;
                }
        return total.OrderByDescending(k => k.Value).ThenBy(k => k.Key, StringComparer.Ordinal).ToList();
    }
}
