using Sensor.Core.Capture;

namespace Sensor.Core.Live;

/// <summary>
/// The live sensor's running counts for metrics and the stats line: frames and bytes as they reach the
/// pipeline, flows, sessions and findings from the pipeline. A stand-in until the sharded engine counts
/// its own: this one has no queues and learns pcap's kernel and interface drops only when capture ends.
/// </summary>
public sealed partial class LiveSensor : ILiveStatsSource
{
    private long _packets;
    private long _bytes;

    public LiveStats Snapshot()
    {
        var flows = pipeline.ReassemblyStats;
        return new LiveStats(
            Packets: Interlocked.Read(ref _packets),
            Bytes: Interlocked.Read(ref _bytes),
            KernelDropped: 0,
            InterfaceDropped: 0,
            SensorDropped: 0,
            FlowsCreated: flows.FlowsCreated,
            ActiveFlows: flows.ActiveFlows,
            Sessions: pipeline.Sessions,
            Findings: pipeline.Findings,
            QueueDepths: [],
            ManagedBytes: GC.GetTotalMemory(forceFullCollection: false));
    }

    /// <summary>Called under the frame lock; written with Interlocked so another thread reads whole values.</summary>
    private void CountFrame(int length)
    {
        Interlocked.Increment(ref _packets);
        Interlocked.Add(ref _bytes, length);
    }
}
