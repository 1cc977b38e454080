using System.Runtime.CompilerServices;
using PacketDotNet;
using SharpPcap;
using SharpPcap.LibPcap;
using Sensor.Core.Decoding;

namespace Sensor.Core.Capture;

/// <summary>
/// One pcap or pcapng file read through libpcap (SharpPcap's CaptureHandleReaderDevice over a
/// <see cref="StdioCaptureFile"/>, or its CaptureFileReaderDevice), which handles both byte orders,
/// micro- and nanosecond classic pcap, and pcapng. Frames come out of
/// <see cref="PcapFrameReader"/> as a span over libpcap's own buffer: nothing is copied or allocated.
/// A pcapng file whose interfaces differ in link type, which libpcap refuses at the first frame of
/// the second type, goes on from there through <see cref="PcapngMixedReader"/>. Where libpcap cannot be
/// loaded (<see cref="PcapLibrary"/>), the sensor's own readers take the whole file: <see cref="ClassicPcapReader"/>
/// or <see cref="PcapngMixedReader"/>.
/// </summary>
internal sealed class CaptureFileSource : IDisposable
{
    private const int ClassicRecordHeader = 16;
    // An Enhanced Packet Block without options: 28 bytes of header, the data padded to 4, 4 bytes of trailer.
    private const int PcapngPacketOverhead = 32;

    // null when the sensor's own reader reads the whole file
    private readonly CaptureReaderDevice? _device;
    // The device's pcap_t, read directly by PcapFrameReader: this source reads and disposes the device on one thread.
    private readonly IntPtr _pcap;
    private readonly bool _nanosecond;
    private IManagedFrameReader? _managed;

    private CaptureFileSource(string path, int index, CaptureFormat format, int linkType)
    {
        Path = path;
        Index = index;
        Format = format;
        LinkType = linkType;
        CurrentLinkType = LinkType;
        FileSize = new FileInfo(path).Length;
        RecordBytes = format == CaptureFormat.ClassicPcap ? ClassicPcapReader.FileHeaderBytes : 0;
    }

    private CaptureFileSource(string path, int index, CaptureFormat format, CaptureReaderDevice device)
        : this(path, index, format, (int)device.LinkType)
    {
        _device = device;
        _pcap = device.Handle.DangerousGetHandle();
        _nanosecond = device.TimestampResolution == TimestampResolution.Nanosecond;
    }

    private CaptureFileSource(string path, int index, CaptureFormat format, IManagedFrameReader reader, int linkType)
        : this(path, index, format, linkType) => _managed = reader;

    public string Path { get; }
    public int Index { get; }
    public CaptureFormat Format { get; }
    /// <summary>The first interface's link type (the file's, for libpcap).</summary>
    public int LinkType { get; }
    /// <summary>The link type of the frame <see cref="TryRead"/> returned last.</summary>
    public int CurrentLinkType { get; private set; }
    public long FileSize { get; }
    public long Packets { get; private set; }
    public long Bytes { get; private set; }
    /// <summary>Bytes of the file consumed by the records read so far (exact for classic pcap).</summary>
    public long RecordBytes { get; private set; }
    /// <summary>Frames the capture's snap length cut short (captured fewer bytes than were on the wire).</summary>
    public long CutFrames { get; private set; }
    /// <summary>The most bytes kept of a cut frame: the snap length the capture was taken with, as far as the frames show.</summary>
    public int LongestCut { get; private set; }
    public TruncationNote? Truncation { get; private set; }

    /// <summary>Opens and checks one file; every reason it cannot be read is a <see cref="CaptureException"/>.</summary>
    public static CaptureFileSource Open(string path, int index) => Open(path, index, PcapLibrary.IsAvailable);

    /// <summary>Opens one file through libpcap, or, with <paramref name="libpcap"/> false, through the sensor's own readers.</summary>
    internal static CaptureFileSource Open(string path, int index, bool libpcap)
    {
        var format = CaptureFormatSniffer.Sniff(path);
        var source = (libpcap ? OpenWithLibpcap(path, index, format) : null) ?? OpenManaged(path, index, format);
        if (!Decoding.LinkType.IsSupported(source.LinkType))
        {
            source.Dispose();
            throw new CaptureException(CaptureErrorKind.UnsupportedLinkType, path,
                $"unsupported link type {source.LinkType} ({(LinkLayers)source.LinkType}) in {path}; supported: {Decoding.LinkType.SupportedList}");
        }
        return source;
    }

    /// <summary>
    /// Null when the loaded library cannot open files with nanosecond stamps: a WinPcap-era wpcap.dll (Wine ships
    /// one) or a libpcap older than 1.5 lacks pcap_open_offline_with_tstamp_precision; the sensor's readers take the file.
    /// </summary>
    private static CaptureFileSource? OpenWithLibpcap(string path, int index, CaptureFormat format)
    {
        var device = OpenDevice(path);
        try
        {
            // Nanosecond precision: libpcap scales microsecond files up, so no file loses digits.
            device.Open(new DeviceConfiguration { TimestampResolution = TimestampResolution.Nanosecond });
        }
        catch (PcapException e)
        {
            device.Dispose();
            (device as CaptureHandleReaderDevice)?.FileHandle.Dispose();
            string reason = e.Message.Replace("Unable to open offline adapter: ", "");
            throw new CaptureException(CaptureErrorKind.Unreadable, path, $"cannot read {path}: {reason}", e);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or NotSupportedException)
        {
            device.Dispose();
            (device as CaptureHandleReaderDevice)?.FileHandle.Dispose();
            return null;
        }
        return new CaptureFileSource(path, index, format, device);
    }

    /// <summary>
    /// The file's link type is the classic header's, or a pcapng file's first frame's: libpcap reports the
    /// first interface's, which is the first frame's unless an interface went unused (then Ethernet, as an
    /// empty file has no frame to tell).
    /// </summary>
    private static CaptureFileSource OpenManaged(string path, int index, CaptureFormat format)
    {
        try
        {
            if (format == CaptureFormat.ClassicPcap)
            {
                var classic = new ClassicPcapReader(path);
                return new CaptureFileSource(path, index, format, classic, classic.LinkType);
            }
            int linkType = (int)LinkLayers.Ethernet;
            using (var first = new PcapngMixedReader(path))
            {
                if (first.TryRead(out _, out int firstLinkType, out _, out _))
                    linkType = firstLinkType;
            }
            return new CaptureFileSource(path, index, format, new PcapngMixedReader(path), linkType);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CaptureException(CaptureErrorKind.Unreadable, path, $"cannot read {path}: {e.Message}", e);
        }
    }

    private static CaptureReaderDevice OpenDevice(string path) =>
        StdioCaptureFile.IsAvailable ? StdioCaptureFile.OpenDevice(path) : new CaptureFileReaderDevice(path);

    /// <summary>Reads the next frame. False at the end of the file, whether clean or truncated.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryRead(out CapturedFrame frame, out long recordBytes)
    {
        recordBytes = 0;
        if (_managed is not null)
            return TryReadManaged(out frame, out recordBytes);
        var status = PcapFrameReader.NextFromFile(_device!, _pcap, _nanosecond, out frame);
        if (status == GetPacketStatus.PacketRead)
        {
            Count(frame.Data.Length, frame.OriginalLength, out recordBytes);
            return true;
        }
        if (status == GetPacketStatus.Error && Format == CaptureFormat.Pcapng && IsMixedLinkTypes(_device!.LastError))
        {
            var mixed = new PcapngMixedReader(Path);
            mixed.Skip(Packets);
            _managed = mixed;
            return TryReadManaged(out frame, out recordBytes);
        }
        if (status == GetPacketStatus.Error)
            Truncation = NoteTruncation(_device!.LastError);
        return false;
    }

    /// <summary>libpcap's refusal of a second link type (pcap-ng.c: "an interface has a type N different from the type of the first interface").</summary>
    private static bool IsMixedLinkTypes(string error) => error.Contains("different from the type of the first interface", StringComparison.Ordinal);

    private bool TryReadManaged(out CapturedFrame frame, out long recordBytes)
    {
        recordBytes = 0;
        if (!_managed!.TryRead(out long ticks, out int linkType, out int originalLength, out var data))
        {
            frame = default;
            if (_managed.Error is { } error)
                Truncation = NoteTruncation(error);
            return false;
        }
        frame = new CapturedFrame(ticks, originalLength, data);
        CurrentLinkType = linkType;
        Count(data.Length, originalLength, out recordBytes);
        return true;
    }

    private void Count(int length, int originalLength, out long recordBytes)
    {
        if (length < originalLength)
        {
            CutFrames++;
            LongestCut = Math.Max(LongestCut, length);
        }
        recordBytes = Format == CaptureFormat.ClassicPcap
            ? ClassicRecordHeader + length
            : PcapngPacketOverhead + ((length + 3) & ~3);
        Packets++;
        Bytes += length;
        RecordBytes += recordBytes;
    }

    private TruncationNote NoteTruncation(string detail)
    {
        if (Format == CaptureFormat.ClassicPcap)
            return new TruncationNote(Path, Index, RecordBytes, true, Packets, detail);
        long? walked = PcapngBlockWalker.FirstIncompleteBlock(Path);
        return new TruncationNote(Path, Index, walked ?? RecordBytes, walked.HasValue, Packets, detail);
    }

    public void Dispose()
    {
        _device?.Dispose();
        _managed?.Dispose();
    }
}
