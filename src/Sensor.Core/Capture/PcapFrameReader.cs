using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SharpPcap;
using SharpPcap.LibPcap;

namespace Sensor.Core.Capture;

/// <summary>One frame as libpcap handed it over: valid until the next read.</summary>
internal readonly ref struct CapturedFrame(long ticks, int originalLength, ReadOnlySpan<byte> data)
{
    /// <summary>UTC ticks; libpcap was asked for nanoseconds where it can, a tick keeps 100 ns of them.</summary>
    public long Ticks { get; } = ticks;
    public int OriginalLength { get; } = originalLength;
    public ReadOnlySpan<byte> Data { get; } = data;
}

/// <summary>
/// The per-frame read, through libpcap's pcap_next_ex (a file's directly on its pcap_t, a live device's
/// through SharpPcap's <see cref="PcapDevice.GetNextPacketPointers"/>): the header is read in place. SharpPcap's <see cref="PcapDevice.GetNextPacket"/>
/// builds a header object, a timeval and a DateTime and asks libpcap for the timestamp precision
/// on every frame: about 300 ns and 64 bytes a packet, most of a replay's reading time
/// (bench/README.md). The in-place read needs struct pcap_pkthdr's 64-bit Unix layout
/// (timeval of two 64-bit fields, then caplen and len); anywhere else the object path is used.
/// Files only: on a live interface pcap_next_ex can block past the read timeout, which SharpPcap's
/// GetNextPacket guards against by polling first, so live capture uses <see cref="NextLive"/>.
/// </summary>
internal static unsafe class PcapFrameReader
{
    internal static readonly bool InPlace =
        Environment.Is64BitProcess && (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD());

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static GetPacketStatus NextFromFile(PcapDevice device, bool nanosecond, out CapturedFrame frame)
    {
        if (!InPlace)
            return NextLive(device, out frame);
        IntPtr header = default, data = default;
        return InPlaceFrame(device.GetNextPacketPointers(ref header, ref data), header, data, nanosecond, out frame);
    }

    /// <summary>
    /// A capture file's frame read by calling pcap_next_ex on the device's pcap_t (<paramref name="pcap"/>)
    /// itself: SharpPcap passes its SafeHandle, whose add-ref and release around every call were about a
    /// third of this read's own time (bench/README.md, section 3). Only for a file, whose device is read
    /// and disposed on one thread, so the pcap_t cannot be closed during a call; a live device keeps
    /// SharpPcap's call. Where libpcap cannot be found as SharpPcap finds it, SharpPcap's call is used.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static GetPacketStatus NextFromFile(PcapDevice device, IntPtr pcap, bool nanosecond, out CapturedFrame frame)
    {
        if (NextEx is null)
            return NextFromFile(device, nanosecond, out frame);
        IntPtr header = default, data = default;
        return InPlaceFrame(NextEx(pcap, &header, &data), header, data, nanosecond, out frame);
    }

    private static readonly delegate* unmanaged<IntPtr, IntPtr*, IntPtr*, int> NextEx = FindNextEx();

    private static delegate* unmanaged<IntPtr, IntPtr*, IntPtr*, int> FindNextEx()
    {
        if (!InPlace || !OperatingSystem.IsLinux())
            return null;
        // The names SharpPcap's resolver tries, in its order: the first that loads is the library it uses.
        foreach (var name in (string[])["libpcap.so", "libpcap.so.0", "libpcap.so.0.8", "libpcap.so.1"])
        {
            if (NativeLibrary.TryLoad(name, out var library))
                return NativeLibrary.TryGetExport(library, "pcap_next_ex", out var export) ? (delegate* unmanaged<IntPtr, IntPtr*, IntPtr*, int>)export : null;
        }
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static GetPacketStatus InPlaceFrame(int result, IntPtr header, IntPtr data, bool nanosecond, out CapturedFrame frame)
    {
        if (result != 1)
        {
            frame = default;
            return (GetPacketStatus)result;
        }
        var h = (PcapHeader64*)header;
        frame = new CapturedFrame(TicksOf(h->Seconds, h->Fraction, nanosecond), (int)h->Length, new ReadOnlySpan<byte>((void*)data, (int)h->CapturedLength));
        return GetPacketStatus.PacketRead;
    }

    private const long MinUnixSeconds = -62135596800;  // 0001-01-01T00:00:00Z, DateTime.MinValue
    private const long MaxUnixSeconds = 253402300799;  // 9999-12-31T23:59:59Z, DateTime.MaxValue

    /// <summary>
    /// UTC ticks of a pcap timestamp, pinned to <see cref="DateTime"/>'s range. A pcapng timestamp is 64 bits
    /// in any unit, so a hostile or corrupt file can name a second past year 9999 (or, through a signed
    /// time_t, before year 1). Unpinned, such a time (or the wrapped product of one) made the session record's
    /// time formatting throw ArgumentOutOfRangeException on the sessions thread, ending the whole replay
    /// (found by fuzz/, target replay; HostileTimestampTests).
    /// </summary>
    internal static long TicksOf(long seconds, long fraction, bool nanosecond)
    {
        if (seconds < MinUnixSeconds)
            return DateTime.MinValue.Ticks;
        if (seconds > MaxUnixSeconds)
            return DateTime.MaxValue.Ticks;
        long subsecond = nanosecond ? Math.Clamp(fraction, 0, 999_999_999) / 100 : Math.Clamp(fraction, 0, 999_999) * 10;
        return Math.Min(DateTime.UnixEpoch.Ticks + seconds * TimeSpan.TicksPerSecond + subsecond, DateTime.MaxValue.Ticks);
    }

    /// <summary>Through SharpPcap's frame objects, which honour a live device's read timeout.</summary>
    public static GetPacketStatus NextLive(PcapDevice device, out CapturedFrame frame)
    {
        var status = device.GetNextPacket(out var capture);
        frame = status == GetPacketStatus.PacketRead
            ? new CapturedFrame(capture.Header.Timeval.Date.Ticks,
                capture.Header is PcapHeader header ? (int)header.PacketLength : capture.Data.Length, capture.Data)
            : default;
        return status;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PcapHeader64
    {
        public long Seconds;
        public long Fraction;
        public uint CapturedLength;
        public uint Length;
    }
}
