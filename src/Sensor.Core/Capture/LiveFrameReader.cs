using System.Runtime.InteropServices;
using SharpPcap;
using SharpPcap.LibPcap;

namespace Sensor.Core.Capture;

/// <summary>
/// Reads a live interface without allocating per frame: the device is put in non-blocking mode, a
/// poll(2) on libpcap's selectable descriptor waits up to the read timeout, then frames are read in
/// place (<see cref="PcapFrameReader.NextFromFile"/>'s header layout) until none is left. SharpPcap's
/// own read builds objects per frame; it stays the fallback where the descriptor or the in-place
/// layout is not available.
/// </summary>
internal sealed partial class LiveFrameReader
{
    private const short PollIn = 0x1;

    private readonly PcapDevice _device;
    private readonly int _descriptor;
    private readonly int _timeoutMilliseconds;
    private readonly bool _nanosecond;

    private LiveFrameReader(PcapDevice device, int descriptor, int timeoutMilliseconds, bool nanosecond)
    {
        _device = device;
        _descriptor = descriptor;
        _timeoutMilliseconds = timeoutMilliseconds;
        _nanosecond = nanosecond;
    }

    /// <summary>The in-place reader where this platform allows it, else null (use <see cref="PcapFrameReader.NextLive"/>).</summary>
    public static LiveFrameReader? TryCreate(LibPcapLiveDevice device, int timeoutMilliseconds)
    {
        if (!PcapFrameReader.InPlace || !OperatingSystem.IsLinux())
            return null;
        try
        {
            int descriptor = pcap_get_selectable_fd(device.Handle.DangerousGetHandle());
            if (descriptor < 0)
                return null;
            device.NonBlockingMode = true;
            return new LiveFrameReader(device, descriptor, timeoutMilliseconds,
                device.TimestampResolution == TimestampResolution.Nanosecond);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or PcapException)
        {
            return null;
        }
    }

    /// <summary>The next frame; <see cref="GetPacketStatus.ReadTimeout"/> when none came within the read timeout.</summary>
    public GetPacketStatus Next(out CapturedFrame frame)
    {
        var status = PcapFrameReader.NextFromFile(_device, _nanosecond, out frame);
        if (status != GetPacketStatus.ReadTimeout)
            return status;
        var poll = new PollDescriptor { Descriptor = _descriptor, Events = PollIn };
        if (Poll(ref poll, 1, _timeoutMilliseconds) <= 0)
            return GetPacketStatus.ReadTimeout;
        return PcapFrameReader.NextFromFile(_device, _nanosecond, out frame);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollDescriptor
    {
        public int Descriptor;
        public short Events;
        public short ReturnedEvents;
    }

    [LibraryImport("libpcap.so.0.8")]
    private static partial int pcap_get_selectable_fd(IntPtr pcap);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(ref PollDescriptor descriptors, ulong count, int timeoutMilliseconds);
}

/// <summary>
/// pcap_stats(3) called directly: SharpPcap 6.3.1's Statistics reports ps_drop as 0 on Linux even when
/// libpcap counts thousands of kernel drops (seen side by side on lo), so drops would go unreported.
/// </summary>
internal static partial class NativePcapStatistics
{
    /// <summary>ps_drop and ps_ifdrop since the capture opened; false when libpcap cannot be called this way here.</summary>
    public static bool TryRead(PcapDevice device, out long kernelDropped, out long interfaceDropped)
    {
        (kernelDropped, interfaceDropped) = (0, 0);
        if (!OperatingSystem.IsLinux())
            return false;
        try
        {
            if (pcap_stats(device.Handle.DangerousGetHandle(), out var stats) != 0)
                return false;
            (kernelDropped, interfaceDropped) = (stats.Dropped, stats.InterfaceDropped);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PcapStat
    {
        public uint Received;
        public uint Dropped;
        public uint InterfaceDropped;
    }

    [LibraryImport("libpcap.so.0.8")]
    private static partial int pcap_stats(IntPtr pcap, out PcapStat stats);
}
