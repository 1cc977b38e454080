using System.Buffers.Binary;
using System.Runtime.CompilerServices;
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
/// the second type, goes on from there through <see cref="PcapngMixedReader"/>. A capture on a pipe,
/// a FIFO or stdin is read by the sensor's own readers from the start (<see cref="CaptureInput"/>), and so
/// is every file where libpcap cannot be loaded (<see cref="PcapLibrary"/>: Windows without Npcap, a
/// container without it): a replay never needs the capture library.
/// </summary>
internal sealed class CaptureFileSource : IDisposable
{
    private const int ClassicFileHeader = 24, ClassicRecordHeader = 16;
    // An Enhanced Packet Block without options: 28 bytes of header, the data padded to 4, 4 bytes of trailer.
    private const int PcapngPacketOverhead = 32;

    private readonly CaptureReaderDevice? _device;
    // The device's pcap_t, read directly by PcapFrameReader: this source reads and disposes the device on one thread.
    private readonly IntPtr _pcap;
    private readonly bool _nanosecond;
    private IFrameStream? _mixed;

    private CaptureFileSource(string path, int index, CaptureFormat format, CaptureReaderDevice device)
    {
        Path = path;
        Index = index;
        Format = format;
        _device = device;
        _pcap = device.Handle.DangerousGetHandle();
        _nanosecond = device.TimestampResolution == TimestampResolution.Nanosecond;
        LinkType = (int)device.LinkType;
        CurrentLinkType = LinkType;
        FileSize = new FileInfo(path).Length;
        RecordBytes = format == CaptureFormat.ClassicPcap ? ClassicFileHeader : 0;
    }

    private CaptureFileSource(string path, int index, CaptureFormat format, IFrameStream stream, int linkType, bool isStream)
    {
        Path = path;
        Index = index;
        Format = format;
        _mixed = stream;
        LinkType = linkType;
        CurrentLinkType = linkType;
        IsStream = isStream;
        FileSize = isStream ? 0 : new FileInfo(path).Length;
    }

    public string Path { get; }
    public int Index { get; }
    public CaptureFormat Format { get; }
    /// <summary>The first interface's link type (the file's, for libpcap; a pcapng stream's first frame's).</summary>
    public int LinkType { get; private set; }
    /// <summary>Read from a pipe, a FIFO or stdin: once, and never again by path (no evidence export, no size).</summary>
    public bool IsStream { get; }
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

    /// <param name="libpcap">false: the sensor's own readers read the file, as where libpcap cannot be loaded</param>
    internal static CaptureFileSource Open(string path, int index, bool libpcap)
    {
        if (CaptureInput.OpenStream(path) is { } stream)
            return OpenStream(path, index, stream, isStream: true);
        if (!libpcap)
            return OpenStream(path, index, OpenFile(path), isStream: false);
        var format = CaptureFormatSniffer.Sniff(path);
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
            // A WinPcap-era wpcap.dll (Wine ships one) or a libpcap older than 1.5 cannot open files with
            // nanosecond stamps (no pcap_open_offline_with_tstamp_precision): the sensor's readers take the file.
            device.Dispose();
            (device as CaptureHandleReaderDevice)?.FileHandle.Dispose();
            return OpenStream(path, index, OpenFile(path), isStream: false);
        }
        return Supported(new CaptureFileSource(path, index, format, device));
    }

    private static CaptureFileSource Supported(CaptureFileSource source)
    {
        if (source.LinkType < 0 || Decoding.LinkType.IsSupported(source.LinkType))
            return source;
        source.Dispose();
        throw new CaptureException(CaptureErrorKind.UnsupportedLinkType, source.Path,
            $"unsupported link type {source.LinkType} in {source.Path}; supported: {Decoding.LinkType.SupportedList}");
    }

    /// <summary>
    /// A stream: its magic sniffed from the stream itself (and given back to the reader), classic pcap by
    /// its file header, pcapng by its blocks (the link type is known at the first frame: -1 until then).
    /// </summary>
    private static FileStream OpenFile(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, StdioCaptureFile.BufferBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CaptureException(CaptureErrorKind.Unreadable, path, $"cannot read {path}: {e.Message}", e);
        }
    }

    private static CaptureFileSource OpenStream(string path, int index, Stream stream, bool isStream)
    {
        try
        {
            var magic = new byte[4];
            int read = stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
            var format = CaptureFormatSniffer.Classify(path, magic, read);
            var input = new PeekedStream(magic, stream);
            if (format == CaptureFormat.Pcapng)
                return new CaptureFileSource(path, index, format, new PcapngMixedReader(input), -1, isStream);
            var classic = ClassicPcapStreamReader.Open(input)
                ?? throw new CaptureException(CaptureErrorKind.NotACaptureFile, path, $"not a capture: {path} ends inside the pcap file header");
            return Supported(new CaptureFileSource(path, index, format, classic, classic.LinkType, isStream));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static CaptureReaderDevice OpenDevice(string path) =>
        StdioCaptureFile.IsAvailable ? StdioCaptureFile.OpenDevice(path) : new CaptureFileReaderDevice(path);

    /// <summary>Reads the next frame. False at the end of the file, whether clean or truncated.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryRead(out CapturedFrame frame, out long recordBytes)
    {
        recordBytes = 0;
        if (_mixed is not null)
            return TryReadMixed(out frame, out recordBytes);
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
            _mixed = mixed;
            return TryReadMixed(out frame, out recordBytes);
        }
        if (status == GetPacketStatus.Error)
            Truncation = NoteTruncation(_device!.LastError);
        return false;
    }

    /// <summary>libpcap's refusal of a second link type (pcap-ng.c: "an interface has a type N different from the type of the first interface").</summary>
    private static bool IsMixedLinkTypes(string error) => error.Contains("different from the type of the first interface", StringComparison.Ordinal);

    private bool TryReadMixed(out CapturedFrame frame, out long recordBytes)
    {
        recordBytes = 0;
        if (!_mixed!.TryRead(out long ticks, out int linkType, out int originalLength, out var data))
        {
            frame = default;
            if (_mixed.Error is { } error)
                Truncation = new TruncationNote(Path, Index, _mixed.BlockOffset, true, Packets, error, _mixed.Malformed);
            return false;
        }
        frame = new CapturedFrame(ticks, originalLength, data);
        CurrentLinkType = linkType;
        if (LinkType < 0)
            LinkType = linkType;
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

    /// <summary>
    /// libpcap's error, told apart by the file itself: cut short (the last record or block runs past the
    /// end) is a truncation; a whole record libpcap refused (a captured length past the snap length, a
    /// block length that cannot be) is malformed.
    /// </summary>
    private TruncationNote NoteTruncation(string detail)
    {
        if (Format == CaptureFormat.ClassicPcap)
            return new TruncationNote(Path, Index, RecordBytes, true, Packets, detail, ClassicRecordIsWhole(RecordBytes));
        long? walked = PcapngBlockWalker.FirstIncompleteBlock(Path);
        return new TruncationNote(Path, Index, walked ?? RecordBytes, walked.HasValue, Packets, detail, Malformed: walked is null);
    }

    /// <summary>pcap-savefile(5): a 16-byte record header whose captured length (offset 8) the file holds in full.</summary>
    private bool ClassicRecordIsWhole(long offset)
    {
        Span<byte> magic = stackalloc byte[4], header = stackalloc byte[ClassicRecordHeader];
        using var file = File.OpenRead(Path);
        file.ReadExactly(magic);
        file.Position = offset;
        if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
            return false;
        // The magic reads as 0xA1B2C3D4 (or 0xA1B23C4D) in the file's own byte order.
        bool bigEndian = BinaryPrimitives.ReadUInt32BigEndian(magic) >> 16 == 0xA1B2;
        uint captured = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(header[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        return offset + ClassicRecordHeader + captured <= FileSize;
    }

    public void Dispose()
    {
        _device?.Dispose();
        _mixed?.Dispose();
    }
}
