using System.Runtime.CompilerServices;
using PacketDotNet;
using SharpPcap;
using SharpPcap.LibPcap;
using Sensor.Core.Decoding;

namespace Sensor.Core.Capture;

/// <summary>
/// One pcap or pcapng file read through libpcap (SharpPcap's CaptureFileReaderDevice), which handles
/// both byte orders, micro- and nanosecond classic pcap, and pcapng. Frames come out of
/// <see cref="PcapFrameReader"/> as a span over libpcap's own buffer: nothing is copied or allocated.
/// </summary>
internal sealed class CaptureFileSource : IDisposable
{
    private const int ClassicFileHeader = 24, ClassicRecordHeader = 16;
    // An Enhanced Packet Block without options: 28 bytes of header, the data padded to 4, 4 bytes of trailer.
    private const int PcapngPacketOverhead = 32;

    private readonly CaptureFileReaderDevice _device;
    private readonly bool _nanosecond;

    private CaptureFileSource(string path, int index, CaptureFormat format, CaptureFileReaderDevice device)
    {
        Path = path;
        Index = index;
        Format = format;
        _device = device;
        _nanosecond = device.TimestampResolution == TimestampResolution.Nanosecond;
        LinkType = (int)device.LinkType;
        FileSize = new FileInfo(path).Length;
        RecordBytes = format == CaptureFormat.ClassicPcap ? ClassicFileHeader : 0;
    }

    public string Path { get; }
    public int Index { get; }
    public CaptureFormat Format { get; }
    public int LinkType { get; }
    public long FileSize { get; }
    public long Packets { get; private set; }
    public long Bytes { get; private set; }
    /// <summary>Bytes of the file consumed by the records read so far (exact for classic pcap).</summary>
    public long RecordBytes { get; private set; }
    public TruncationNote? Truncation { get; private set; }

    /// <summary>Opens and checks one file; every reason it cannot be read is a <see cref="CaptureException"/>.</summary>
    public static CaptureFileSource Open(string path, int index)
    {
        var format = CaptureFormatSniffer.Sniff(path);
        var device = new CaptureFileReaderDevice(path);
        try
        {
            // Nanosecond precision: libpcap scales microsecond files up, so no file loses digits.
            device.Open(new DeviceConfiguration { TimestampResolution = TimestampResolution.Nanosecond });
        }
        catch (PcapException e)
        {
            device.Dispose();
            string reason = e.Message.Replace("Unable to open offline adapter: ", "");
            throw new CaptureException(CaptureErrorKind.Unreadable, path, $"cannot read {path}: {reason}", e);
        }
        var source = new CaptureFileSource(path, index, format, device);
        if (!Decoding.LinkType.IsSupported(source.LinkType))
        {
            source.Dispose();
            throw new CaptureException(CaptureErrorKind.UnsupportedLinkType, path,
                $"unsupported link type {source.LinkType} ({(LinkLayers)source.LinkType}) in {path}; supported: {Decoding.LinkType.SupportedList}");
        }
        return source;
    }

    /// <summary>Reads the next frame. False at the end of the file, whether clean or truncated.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryRead(out CapturedFrame frame, out long recordBytes)
    {
        var status = PcapFrameReader.NextFromFile(_device, _nanosecond, out frame);
        recordBytes = 0;
        if (status == GetPacketStatus.PacketRead)
        {
            recordBytes = Format == CaptureFormat.ClassicPcap
                ? ClassicRecordHeader + frame.Data.Length
                : PcapngPacketOverhead + ((frame.Data.Length + 3) & ~3);
            Packets++;
            Bytes += frame.Data.Length;
            RecordBytes += recordBytes;
            return true;
        }
        if (status == GetPacketStatus.Error)
            Truncation = NoteTruncation(_device.LastError);
        return false;
    }

    private TruncationNote NoteTruncation(string detail)
    {
        if (Format == CaptureFormat.ClassicPcap)
            return new TruncationNote(Path, Index, RecordBytes, true, Packets, detail);
        long? walked = PcapngBlockWalker.FirstIncompleteBlock(Path);
        return new TruncationNote(Path, Index, walked ?? RecordBytes, walked.HasValue, Packets, detail);
    }

    public void Dispose() => _device.Dispose();
}
