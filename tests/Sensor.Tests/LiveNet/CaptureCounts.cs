using System.Text.RegularExpressions;

namespace Sensor.Tests.LiveNet;

/// <summary>
/// What `sensor live -v` logs when it stops: per interface the frames it read from libpcap and the
/// frames the kernel dropped (pcap_stats), and for the whole sensor the frames it read but discarded
/// itself because a worker queue was full (a subset of those read).
/// </summary>
internal sealed record CaptureCounts(long Read, long KernelDropped, long InterfaceDropped, long SensorDropped)
{
    public static CaptureCounts Parse(string stderr, string iface)
    {
        var capture = Regex.Match(stderr, $@"{Regex.Escape(iface)}: (\d+) packets, \d+ bytes, (\d+) dropped by the kernel, (\d+) by the interface");
        var sensor = Regex.Match(stderr, @"(\d+) frames dropped by the sensor");
        if (!capture.Success || !sensor.Success)
            throw new InvalidOperationException($"no capture counts for {iface} in: {stderr}");
        return new CaptureCounts(long.Parse(capture.Groups[1].Value), long.Parse(capture.Groups[2].Value),
            long.Parse(capture.Groups[3].Value), long.Parse(sensor.Groups[1].Value));
    }
}
