using Sensor.Core.Decoding;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Capture;

/// <summary>One flow to export: its endpoints, its time span (inclusive, UTC ticks) and where to write it.</summary>
public sealed record FlowSelector(Endpoint Client, Endpoint Server, long FirstTicks, long LastTicks, string OutputPath);

/// <summary>How many frames went to each selector's file (same order as the selectors); 0 means no file was written.</summary>
public sealed record EvidenceExportResult(IReadOnlyList<long> PacketsWritten, CaptureResult Capture);

/// <summary>
/// Writes the packets of chosen flows to their own pcap files in one second pass over the same
/// capture files. Nothing is kept during the first pass: a finding only remembers the flow's
/// 4-tuple and time span, and this pass finds the frames again by decoding them.
/// </summary>
public static class EvidenceExporter
{
    public static EvidenceExportResult Export(CaptureReader reader, IReadOnlyList<FlowSelector> selectors,
        bool nanosecond = true, CancellationToken cancellation = default)
    {
        using var handler = new ExportHandler(selectors, nanosecond);
        var capture = reader.Read(handler, cancellation);
        return new EvidenceExportResult(handler.Written(), capture);
    }

    public static EvidenceExportResult Export(IReadOnlyList<string> captureFiles, IReadOnlyList<FlowSelector> selectors,
        bool nanosecond = true, CancellationToken cancellation = default) =>
        Export(new CaptureReader(captureFiles), selectors, nanosecond, cancellation);

    private sealed class ExportHandler : IPacketHandler, IDisposable
    {
        private readonly IReadOnlyList<FlowSelector> _selectors;
        private readonly Dictionary<FlowKey, List<int>> _byKey = new();
        private readonly EvidenceWriterPool _writers;

        public ExportHandler(IReadOnlyList<FlowSelector> selectors, bool nanosecond)
        {
            _selectors = selectors;
            _writers = new EvidenceWriterPool(selectors.Select(s => s.OutputPath).ToList(), nanosecond);
            for (int i = 0; i < selectors.Count; i++)
            {
                var key = FlowKey.From(selectors[i].Client, selectors[i].Server);
                if (!_byKey.TryGetValue(key, out var list))
                    _byKey[key] = list = [];
                list.Add(i);
            }
        }

        public void OnPacket(in RawPacket packet)
        {
            if (PacketDecoder.DecodeFrame(packet.LinkType, packet.TimestampTicks, packet.Data, out var segment) != DecodeResult.Tcp)
                return;
            if (!_byKey.TryGetValue(FlowKey.From(segment.Source, segment.Destination), out var candidates))
                return;
            foreach (int i in candidates)
            {
                var selector = _selectors[i];
                if (packet.TimestampTicks >= selector.FirstTicks && packet.TimestampTicks <= selector.LastTicks)
                    _writers.Write(i, packet);
            }
        }

        public long[] Written() => [.. _writers.Packets];

        public void Dispose() => _writers.Dispose();
    }
}
