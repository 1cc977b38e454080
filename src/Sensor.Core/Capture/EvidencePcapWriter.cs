using System.Buffers.Binary;
using Sensor.Core.Decoding;

namespace Sensor.Core.Capture;

/// <summary>
/// Writes frames to a classic pcap file (pcap-savefile(5)), the format every tool opens. Evidence
/// holds raw packets, credentials included, so the file is created readable by its owner only (0600).
/// </summary>
public sealed class EvidencePcapWriter : IDisposable
{
    private const uint MagicMicro = 0xA1B2C3D4, MagicNano = 0xA1B23C4D;
    private const int DefaultSnapLength = 262144;

    private readonly FileStream _stream;
    private readonly bool _nanosecond;
    private readonly byte[] _recordHeader = new byte[16];

    public EvidencePcapWriter(string path, int linkType, bool nanosecond = false, int snapLength = DefaultSnapLength)
        : this(path, linkType, nanosecond, CreateOwnerOnly(path))
    {
        WriteFileHeader(FileLinkType(linkType), snapLength);
    }

    private EvidencePcapWriter(string path, int linkType, bool nanosecond, FileStream stream)
    {
        Path = path;
        LinkType = linkType;
        _nanosecond = nanosecond;
        _stream = stream;
    }

    /// <summary>Opens a file this class wrote before, to add frames at its end (its header says the link type and precision).</summary>
    public static EvidencePcapWriter Append(string path, int linkType, bool nanosecond) =>
        new(path, linkType, nanosecond, new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read));

    public string Path { get; }
    public int LinkType { get; }
    public long Packets { get; private set; }

    public void Write(in RawPacket packet) => Write(packet.TimestampTicks, packet.Data, packet.OriginalLength);

    public void Write(long timestampTicks, ReadOnlySpan<byte> data, int originalLength)
    {
        long sinceEpoch = timestampTicks - DateTime.UnixEpoch.Ticks;
        long seconds = Math.DivRem(sinceEpoch, TimeSpan.TicksPerSecond, out long remainder);
        uint fraction = (uint)(_nanosecond ? remainder * 100 : remainder / 10);
        var header = _recordHeader.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)seconds);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], fraction);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)Math.Max(originalLength, data.Length));
        _stream.Write(header);
        _stream.Write(data);
        Packets++;
    }

    public void Dispose() => _stream.Dispose();

    private static FileStream CreateOwnerOnly(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var stream = new FileStream(path, options);
        // UnixCreateMode applies only to a new file; an existing file keeps its mode unless set here.
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(stream.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return stream;
    }

    /// <summary>
    /// libpcap reports raw IP as DLT_RAW (12 on Linux, 14 on some BSDs) but a file header must carry
    /// LINKTYPE_RAW (101); the other supported types have the same number in both namespaces.
    /// </summary>
    private static int FileLinkType(int linkType) =>
        linkType is Decoding.LinkType.RawBsd12 or Decoding.LinkType.RawBsd14 ? Decoding.LinkType.Raw : linkType;

    private void WriteFileHeader(int linkType, int snapLength)
    {
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, _nanosecond ? MagicNano : MagicMicro);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)snapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], (uint)linkType);
        _stream.Write(header);
    }
}
