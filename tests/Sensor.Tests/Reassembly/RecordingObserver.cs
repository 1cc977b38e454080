using System.Text;
using Sensor.Core.Reassembly;

namespace Sensor.Tests.Reassembly;

/// <summary>Records every observer call in order, so tests assert exact event sequences.</summary>
internal sealed class RecordingObserver : IFlowObserver
{
    public List<string> Events { get; } = [];
    public Dictionary<Direction, List<byte>> Bytes { get; } = new() { [Direction.ClientToServer] = [], [Direction.ServerToClient] = [] };
    public List<TcpFlow> Started { get; } = [];
    public List<(TcpFlow Flow, FlowEndReason Reason)> Ended { get; } = [];
    public List<(Direction Direction, ReassemblyAnomaly Anomaly)> Anomalies { get; } = [];
    public Func<TcpFlow, bool>? IgnoreWhen { get; init; }

    public string Text(Direction direction) => Encoding.ASCII.GetString(Bytes[direction].ToArray());

    public void OnFlowStart(TcpFlow flow)
    {
        Started.Add(flow);
        Events.Add($"start {flow.Client}->{flow.Server}");
        if (IgnoreWhen?.Invoke(flow) == true)
            flow.Ignored = true;
    }

    public void OnData(TcpFlow flow, Direction direction, ReadOnlySpan<byte> data)
    {
        Bytes[direction].AddRange(data.ToArray());
        Events.Add($"data {Short(direction)} {Encoding.ASCII.GetString(data)}");
    }

    public void OnGap(TcpFlow flow, Direction direction, long missingBytes) =>
        Events.Add($"gap {Short(direction)} {missingBytes}");

    public void OnAnomaly(TcpFlow flow, Direction direction, ReassemblyAnomaly anomaly, string detail)
    {
        Anomalies.Add((direction, anomaly));
        Events.Add($"anomaly {Short(direction)} {anomaly}");
    }

    public List<(Direction Direction, string Kept, string Other)> Conflicts { get; } = [];

    public void OnConflict(TcpFlow flow, Direction direction, ReadOnlySpan<byte> kept, ReadOnlySpan<byte> other) =>
        Conflicts.Add((direction, Encoding.ASCII.GetString(kept), Encoding.ASCII.GetString(other)));

    public void OnFlowEnd(TcpFlow flow, FlowEndReason reason)
    {
        Ended.Add((flow, reason));
        Events.Add($"end {reason}");
    }

    private static string Short(Direction direction) => direction == Direction.ClientToServer ? "c2s" : "s2c";
}
