using Sensor.Core.Catalogue;
using Sensor.Core.Capture;
using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Pipeline;
using Sensor.Core.Reassembly;
using Sensor.Core.Sessions;

namespace Sensor.Fuzz;

/// <summary>
/// The whole replay pipeline as `sensor replay` runs it (libpcap reader, decode, flows, sessions,
/// detection with the default rules, record mapping, JSON Lines), on a file made from the input.
/// First byte: 0 the rest is the file as it is; 1 a classic pcap header (link type from the next
/// byte) is put before the rest; 2 a pcapng section header and interface block likewise.
/// The one exception allowed out is <see cref="CaptureException"/> (a file that is no capture).
/// </summary>
internal static class ReplayTarget
{
    private static readonly string FilePath = Path.Combine(Path.GetTempPath(), $"sensor-fuzz-{Environment.ProcessId}.cap");
    private static readonly SecretRedactor Redactor = new(false, new byte[32]);

    public static void Run(ReadOnlySpan<byte> data)
    {
        var input = new FuzzInput(data);
        var mode = input.Byte() % 3;
        using (var file = File.Create(FilePath))
        {
            if (mode != 0)
            {
                var linkType = PacketTarget.LinkTypes[input.Byte() % PacketTarget.LinkTypes.Length];
                file.Write(mode == 1 ? ClassicHeader(linkType) : PcapngHeader(linkType));
            }
            file.Write(input.Rest);
        }
        var summary = new RunSummary();
        using var json = new JsonLinesWriter(Stream.Null);
        using var sink = new QueuedJsonLinesSink(json);
        using var pipeline = new MailPipeline(DefaultRules.Rules, ReassemblyLimits.Default, null, new RecordMapper(Redactor),
            [summary, sink, new CatalogueSink()]);
        try
        {
            PipelinePacketHandler.Run(new CaptureReader([FilePath]), pipeline);
        }
        catch (CaptureException)
        {
        }
        sink.Complete(); // a record the writer cannot serialise is rethrown here
    }

    /// <summary>Little-endian classic pcap, microseconds, snaplen 65535.</summary>
    public static byte[] ClassicHeader(int linkType)
    {
        var header = new byte[24];
        BitConverter.TryWriteBytes(header.AsSpan(0), 0xa1b2c3d4u);
        BitConverter.TryWriteBytes(header.AsSpan(4), (ushort)2);
        BitConverter.TryWriteBytes(header.AsSpan(6), (ushort)4);
        BitConverter.TryWriteBytes(header.AsSpan(16), 65535);
        BitConverter.TryWriteBytes(header.AsSpan(20), linkType);
        return header;
    }

    /// <summary>A pcapng Section Header Block and one Interface Description Block, without options.</summary>
    public static byte[] PcapngHeader(int linkType)
    {
        var header = new byte[28 + 20];
        var shb = header.AsSpan(0, 28);
        BitConverter.TryWriteBytes(shb, 0x0A0D0D0Au);
        BitConverter.TryWriteBytes(shb[4..], 28);
        BitConverter.TryWriteBytes(shb[8..], 0x1A2B3C4Du);
        BitConverter.TryWriteBytes(shb[12..], (ushort)1);
        BitConverter.TryWriteBytes(shb[16..], -1L);
        BitConverter.TryWriteBytes(shb[24..], 28);
        var idb = header.AsSpan(28, 20);
        BitConverter.TryWriteBytes(idb, 1u);
        BitConverter.TryWriteBytes(idb[4..], 20);
        BitConverter.TryWriteBytes(idb[8..], (ushort)linkType);
        BitConverter.TryWriteBytes(idb[12..], 65535);
        BitConverter.TryWriteBytes(idb[16..], 20);
        return header;
    }
}

/// <summary>A finding or an anomaly the catalogue does not describe is a finding of the fuzzer.</summary>
internal sealed class CatalogueSink : IRecordSink
{
    public void OnSession(MailSession session, SessionRecordOnDemand record)
    {
        foreach (var unknown in CatalogueCheck.UnknownAnomalies(session))
            throw new FuzzFinding($"anomaly '{unknown}' is not in the catalogue");
    }

    public void OnFinding(Finding finding, FindingRecord record)
    {
        if (CatalogueCheck.Problem(finding) is { } problem)
            throw new FuzzFinding(problem);
    }
}
