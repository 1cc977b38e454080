namespace Sensor.Core.Decoding;

/// <summary>Per-result frame counters; a plain struct so counting costs nothing on the packet path.</summary>
public struct DecodeStats
{
    public long Tcp;
    public long NotTcp;
    public long Truncated;
    public long Malformed;
    public long Fragment;
    public long UnsupportedLink;

    public readonly long Total => Tcp + NotTcp + Truncated + Malformed + Fragment + UnsupportedLink;

    /// <summary>Every counter by its name in the stats record (snake_case); a new counter is one more line here.</summary>
    public readonly Dictionary<string, long> Counters() => new()
    {
        ["tcp"] = Tcp,
        ["not_tcp"] = NotTcp,
        ["truncated"] = Truncated,
        ["malformed"] = Malformed,
        ["fragment"] = Fragment,
        ["unsupported_link"] = UnsupportedLink,
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
            default: UnsupportedLink++; break;
        }
    }
}
