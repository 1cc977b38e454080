using System.Diagnostics;
using Sensor.Core.Capture;
using Sensor.Core.Detection;
using Sensor.Core.Live;
using Sensor.Core.Output;
using Sensor.Core.Pipeline;
using Sensor.Core.Reassembly;

namespace Sensor.Benchmarks;

/// <summary>
/// The live engine's own rate, without libpcap: a capture's frames are loaded into memory, then
/// offered from one thread (as a capture thread would) to the engine with 1 and 2 workers, side by
/// side with the replay pipeline on the same frames. "paced" retries a frame its queue refused (the
/// highest rate with no drop); "flood" never waits, so the queue drops and counts what it cannot take.
/// </summary>
public static class LiveEngineRun
{
    public static int Run(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: live FILE");
            return 2;
        }
        var frames = Frames.Load(args[0]);
        Console.WriteLine($"{frames.Count:N0} frames, {frames.Bytes / 1e6:F0} MB from {args[0]}");
        Console.WriteLine($"{"engine",-22} {"wall s",7} {"kpkt/s",8} {"Mbit/s",8} {"dropped",9} {"alloc B/pkt",12} {"offer B/pkt",12} {"sessions",9} {"findings",9}");
        Replay(frames);
        foreach (int workers in new[] { 1, 2 })
        {
            Live(frames, workers, paced: true);
            Live(frames, workers, paced: false);
        }
        Console.WriteLine($"peak working set of this process: {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB");
        return 0;
    }

    private static RecordMapper Mapper() => new(new SecretRedactor(false, new byte[32]));

    private static void Replay(Frames frames)
    {
        using var pipeline = new MailPipeline(DefaultRules.Rules, ReassemblyLimits.Default, null, Mapper(), []);
        var (wall, allocated, offered) = Measure(() =>
        {
            for (int i = 0; i < frames.Count; i++)
                pipeline.OnFrame(frames.LinkType(i), frames.Ticks(i), frames.Frame(i));
        }, pipeline.Complete);
        Print("replay pipeline", frames, wall, 0, allocated, offered, pipeline.Sessions, pipeline.Findings);
    }

    private static void Live(Frames frames, int workers, bool paced)
    {
        using var sensor = new LiveSensor([], DefaultRules.Rules, null, Mapper(), [], new LiveSensorOptions { Workers = workers });
        sensor.Start();
        var (wall, allocated, offered) = Measure(() =>
        {
            for (int i = 0; i < frames.Count; i++)
                while (!sensor.Offer(frames.Ticks(i), frames.LinkType(i), frames.Frame(i), 0) && paced)
                    Thread.Yield();
        }, sensor.Finish);
        var stats = sensor.Snapshot();
        Print($"live {workers} worker(s) {(paced ? "paced" : "flood")}", frames, wall, paced ? 0 : stats.SensorDropped, allocated, offered, stats.Sessions, stats.Findings);
    }

    /// <summary>Wall time and allocations of feeding then finishing; offered = allocations on the feeding thread alone.</summary>
    private static (TimeSpan Wall, long Allocated, long Offered) Measure(Action feed, Action finish)
    {
        GC.Collect();
        long total0 = GC.GetTotalAllocatedBytes(true), thread0 = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        feed();
        long offered = GC.GetAllocatedBytesForCurrentThread() - thread0;
        finish();
        return (clock.Elapsed, GC.GetTotalAllocatedBytes(true) - total0, offered);
    }

    private static void Print(string name, Frames frames, TimeSpan wall, long dropped, long allocated, long offered, long sessions, long findings)
    {
        double s = wall.TotalSeconds;
        Console.WriteLine($"{name,-22} {s,7:F2} {frames.Count / s / 1e3,8:F0} {frames.Bytes * 8 / s / 1e6,8:F0} {dropped,9:N0} " +
                          $"{(double)allocated / frames.Count,12:F2} {(double)offered / frames.Count,12:F2} {sessions,9:N0} {findings,9:N0}");
    }

    /// <summary>Every frame of a capture in one buffer, so the run measures the engine, not the reading.</summary>
    private sealed class Frames : IPacketHandler
    {
        private readonly List<(long Ticks, int LinkType, int Offset, int Length)> _index = [];
        private byte[] _data = new byte[1 << 24];
        public long Bytes { get; private set; }
        public int Count => _index.Count;

        public static Frames Load(string file)
        {
            var frames = new Frames();
            new CaptureReader([file]).Read(frames);
            return frames;
        }

        public void OnPacket(in RawPacket packet)
        {
            if (Bytes + packet.Data.Length > _data.Length)
                Array.Resize(ref _data, (int)Math.Min(Array.MaxLength, _data.Length * 2L));
            packet.Data.CopyTo(_data.AsSpan((int)Bytes));
            _index.Add((packet.TimestampTicks, packet.LinkType, (int)Bytes, packet.Data.Length));
            Bytes += packet.Data.Length;
        }

        public long Ticks(int i) => _index[i].Ticks;
        public int LinkType(int i) => _index[i].LinkType;
        public ReadOnlySpan<byte> Frame(int i) => _data.AsSpan(_index[i].Offset, _index[i].Length);
    }
}
