using System.Buffers.Binary;

namespace Sensor.Core.Capture;

internal enum CaptureFormat : byte { ClassicPcap, Pcapng }

/// <summary>Recognises a capture file by its magic number before libpcap sees it, so "not a capture file" is one clear message.</summary>
internal static class CaptureFormatSniffer
{
    // Classic pcap, micro- and nanosecond, either byte order (pcap-savefile(5)); pcapng Section Header Block type.
    private const uint Micro = 0xA1B2C3D4, Nano = 0xA1B23C4D, Pcapng = 0x0A0D0D0A;

    public static CaptureFormat Sniff(string path)
    {
        if (!File.Exists(path))
        {
            throw Directory.Exists(path)
                ? new CaptureException(CaptureErrorKind.Unreadable, path, $"cannot read {path}: it is a directory")
                : new CaptureException(CaptureErrorKind.MissingFile, path, $"capture file not found: {path}");
        }
        Span<byte> magic = stackalloc byte[4];
        return Classify(path, magic, ReadMagic(path, magic));
    }

    /// <summary>The format the first <paramref name="read"/> bytes of <paramref name="magic"/> name, or a <see cref="CaptureException"/>.</summary>
    public static CaptureFormat Classify(string path, ReadOnlySpan<byte> magic, int read)
    {
        uint value = read == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(magic) : 0;
        if (read == 4 && value == Pcapng)
            return CaptureFormat.Pcapng;
        if (read == 4 && (value is Micro or Nano || BinaryPrimitives.ReverseEndianness(value) is Micro or Nano))
            return CaptureFormat.ClassicPcap;
        throw new CaptureException(CaptureErrorKind.NotACaptureFile, path,
            read < 4 ? $"not a capture file: {path} is {read} bytes long" : $"not a pcap or pcapng file: {path} (starts with {Convert.ToHexString(magic)})");
    }

    private static int ReadMagic(string path, Span<byte> magic)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CaptureException(CaptureErrorKind.Unreadable, path, $"cannot read {path}: {e.Message}", e);
        }
    }
}
