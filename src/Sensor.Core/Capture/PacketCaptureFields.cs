using SharpPcap;
using SharpPcap.LibPcap;

namespace Sensor.Core.Capture;

/// <summary>The two header fields Sensor needs from a SharpPcap frame, read the same way for files and interfaces.</summary>
internal static class PacketCaptureFields
{
    /// <summary>UTC ticks; libpcap was asked for nanoseconds where it can, the tick keeps 100 ns of them.</summary>
    public static long TimestampTicks(in PacketCapture capture) => capture.Header.Timeval.Date.Ticks;

    public static int OriginalLength(in PacketCapture capture) =>
        capture.Header is PcapHeader header ? (int)header.PacketLength : capture.Data.Length;
}
