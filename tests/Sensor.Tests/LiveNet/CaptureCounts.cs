using System.Text.RegularExpressions;

namespace Sensor.Tests.LiveNet;

/// <summary>What `sensor live -v` logs for one interface when it stops: frames seen and frames dropped.</summary>
internal sealed record CaptureCounts(long Seen, long KernelDropped, long InterfaceDropped)
{
    public static CaptureCounts Parse(string stderr, string iface)
    {
        var match = Regex.Match(stderr, $@"{Regex.Escape(iface)}: (\d+) packets, \d+ bytes, (\d+) dropped by the kernel, (\d+) by the interface");
        if (!match.Success)
            throw new InvalidOperationException($"no capture counts for {iface} in: {stderr}");
        return new CaptureCounts(long.Parse(match.Groups[1].Value), long.Parse(match.Groups[2].Value), long.Parse(match.Groups[3].Value));
    }
}
