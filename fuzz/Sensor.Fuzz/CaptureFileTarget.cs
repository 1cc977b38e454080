using Sensor.Core.Capture;

namespace Sensor.Fuzz;

/// <summary>
/// The sensor's own capture file readers, below the pipeline: the pcapng block reader that takes over
/// from libpcap when interfaces differ in link type, and the block walker that places a truncation.
/// First byte: 0 the rest goes to <see cref="PcapngMixedReader"/> as it is; 1 a section header and two
/// interfaces of different link types (so libpcap hands over to it) go before the rest, read by
/// <see cref="CaptureReader"/>; 2 the rest to <see cref="PcapngBlockWalker"/>; 3 the rest as a classic pcap
/// arriving on a pipe (<see cref="ClassicPcapStreamReader"/>).
/// Allowed out: <see cref="CaptureException"/> (a file that is no capture).
/// </summary>
internal static class CaptureFileTarget
{
    private static readonly string FilePath = Path.Combine(Path.GetTempPath(), $"sensor-fuzz-file-{Environment.ProcessId}.pcapng");

    public static void Run(ReadOnlySpan<byte> data)
    {
        var input = new FuzzInput(data);
        var mode = input.Byte() % 4;
        using (var file = File.Create(FilePath))
        {
            if (mode == 1)
                file.Write(TwoLinkTypes);
            file.Write(input.Rest);
        }
        switch (mode)
        {
            case 0:
                ReadAll(new PcapngMixedReader(FilePath));
                break;
            case 1:
                try
                {
                    new CaptureReader([FilePath]).Read(new Counting());
                }
                catch (CaptureException)
                {
                }
                break;
            case 2:
                PcapngBlockWalker.FirstIncompleteBlock(FilePath);
                break;
            default:
                using (var stream = File.OpenRead(FilePath))
                    ReadAll(ClassicPcapStreamReader.Open(stream));
                break;
        }
    }

    private static void ReadAll(IFrameStream? reader)
    {
        if (reader is null)
            return;
        using var owned = reader;
        long bytes = 0;
        while (reader.TryRead(out _, out _, out int original, out var frame))
        {
            if (original < 0)
                throw new InvalidOperationException($"negative original length {original}");
            bytes += frame.Length;
        }
        if (reader.Error is not null && reader.BlockOffset < 0)
            throw new InvalidOperationException($"negative block offset {reader.BlockOffset}");
    }

    /// <summary>A section header, an Ethernet interface and a Linux cooked (113) one, without options.</summary>
    private static readonly byte[] TwoLinkTypes = [.. ReplayTarget.PcapngHeader(1), .. ReplayTarget.PcapngHeader(113).AsSpan(28)];

    private sealed class Counting : IPacketHandler
    {
        public long Packets;

        public void OnPacket(in RawPacket packet)
        {
            if (packet.OriginalLength < 0)
                throw new InvalidOperationException($"negative original length {packet.OriginalLength}");
            Packets++;
        }
    }
}
