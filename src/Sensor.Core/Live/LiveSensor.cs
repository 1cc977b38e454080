using Sensor.Core.Capture;
using Sensor.Core.CrossCheck;
using Sensor.Core.Decoding;
using Sensor.Core.Decoding.Fragments;
using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Pipeline;
using Sensor.Core.Protocols.Text;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Live;

/// <summary>
/// The live engine. Each interface reads on its own thread and hands every frame to the worker that
/// owns its flow (a symmetric hash of the 4-tuple, so both directions meet on one worker), through a
/// bounded queue that drops, and counts, what does not fit. Each worker runs its own
/// <see cref="MailPipeline"/>; they share the server knowledge (STARTTLS removed or absent must not
/// depend on which worker saw which session) and the outputs, behind one lock. Memory is held to
/// <see cref="LiveSensorOptions.MemoryBudgetBytes"/> by <see cref="LiveSensorOptions.PlanMemory"/>.
/// </summary>
public sealed class LiveSensor : ILiveStatsSource, IDisposable
{
    private readonly string? _runId;
    private readonly IReadOnlyList<LiveCapture> _captures;
    private readonly LiveWorker[] _workers;
    private readonly LiveEvidenceSink?[] _evidence;
    private readonly CrossChecker? _crossCheck;
    private readonly SerializedOutputs _outputs;
    private readonly VerdictUpdates _verdictUpdates = new();
    private readonly Lock _verdictGate = new();
    private Timer? _verdictTimer;
    private Exception? _verdictFailure;

    /// <param name="sinks">where sessions and findings go; called under one lock, from the workers' sessions threads</param>
    /// <param name="history">the store's server history, read under the same lock</param>
    /// <param name="crossCheck">probes to compare with: one cross-check for every worker (its passive side behind the outputs' lock); a verdict is reported as soon as it is decided or changes, and every last one when capture stops</param>
    public LiveSensor(IReadOnlyList<LiveCapture> captures, RuleSetHolder rules, IServerHistory? history, RecordMapper mapper,
        IReadOnlyList<IRecordSink> sinks, LiveSensorOptions? options = null, ReassemblyLimits? limits = null, CrossCheckSetup? crossCheck = null)
    {
        _runId = mapper.Run;
        Options = options ?? new LiveSensorOptions();
        limits ??= ReassemblyLimits.Default;
        Plan = Options.PlanMemory(limits);
        _captures = captures;
        _crossCheck = crossCheck is null ? null : new CrossChecker(crossCheck);
        var outputs = _outputs = new SerializedOutputs(_crossCheck is null ? sinks : [.. sinks, _crossCheck.Passive], history);
        var knowledge = new ServerKnowledge(rules, outputs.History, _crossCheck);
        _workers = new LiveWorker[Options.Workers];
        _evidence = new LiveEvidenceSink?[Options.Workers];
        ParserBuffers = new BufferBudget(Plan.ParserBufferBytes);
        for (int i = 0; i < _workers.Length; i++)
        {
            var rings = Options.EvidenceDirectory is null ? null
                : new FlowRings(Options.EvidenceBytesPerFlow, Options.EvidencePacketsPerFlow, Options.EvidenceBytesTotal / Options.Workers);
            _evidence[i] = rings is null ? null : new LiveEvidenceSink(Options.EvidenceDirectory!, rings);
            IReadOnlyList<IRecordSink> workerSinks = _evidence[i] is { } evidence ? [evidence, outputs] : [outputs];
            var pipeline = new MailPipeline(rules, Plan.LimitsFor(limits), null, mapper, workerSinks, judgeAsSeen: true, sharedKnowledge: knowledge,
                parserBuffers: ParserBuffers);
            _workers[i] = new LiveWorker(i, new FrameQueue(Options.QueueBytesPerWorker, Options.QueueBlockBytes), pipeline, rings, Options.IdleTick);
        }
    }

    public LiveSensorOptions Options { get; }
    internal IReadOnlyList<LiveWorker> Workers => _workers;
    public MemoryPlan Plan { get; }

    /// <summary>The parsers' long buffers, shared by every worker (sized by <see cref="Plan"/>).</summary>
    public BufferBudget ParserBuffers { get; }

    public long Sessions => _workers.Sum(w => w.Pipeline.Sessions);
    public long Findings => _workers.Sum(w => w.Pipeline.Findings);
    public long Verdicts { get; private set; }

    /// <summary>Opens every interface and applies the filter; throws <see cref="CaptureException"/> before anything runs.</summary>
    public void Open()
    {
        foreach (var capture in _captures)
            capture.Open();
    }

    /// <summary>Captures until <paramref name="cancellation"/> fires or every capture stops, then ends every flow and reports it.</summary>
    public IReadOnlyList<(string Interface, LiveCaptureResult Result)> Run(CancellationToken cancellation)
    {
        Open();
        Start();
        var handler = new Handler(this);
        var runs = _captures.Select(capture => Task.Factory.StartNew(
            () => capture.Run(handler, cancellation),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        try
        {
            Task.WaitAll(runs);
        }
        finally
        {
            Finish();
        }
        return _captures.Zip(runs, (c, r) => (c.InterfaceName, r.Result)).ToArray();
    }

    /// <summary>Starts the workers (<see cref="Run"/> does); frames offered before wait in the queues.</summary>
    public void Start()
    {
        foreach (var worker in _workers)
            worker.Start();
        if (_crossCheck is not null)
            _verdictTimer = new Timer(_ => ReportVerdicts(final: false), null, Options.VerdictInterval, Options.VerdictInterval);
    }

    /// <summary>
    /// Hands one frame to the worker that owns its flow (copied: the caller's buffer may be reused at
    /// once). False when that worker's queue is full: the frame is dropped and counted. Safe from any thread.
    /// </summary>
    public bool Offer(long ticks, int linkType, ReadOnlySpan<byte> frame, int originalLength) =>
        _workers[WorkerFor(linkType, ticks, frame)].Queue.TryAdd(ticks, linkType, frame, originalLength);

    /// <summary>
    /// Which worker a frame belongs to: by its two addresses, the same for both directions; frames that are
    /// neither TCP nor IP fragments go to the first. Not by ports: fragments after the first carry none, and
    /// every fragment of a datagram must reach the worker whose flow table holds its connection.
    /// </summary>
    public int WorkerFor(int linkType, long ticks, ReadOnlySpan<byte> frame)
    {
        if (_workers.Length == 1)
            return 0;
        var result = PacketDecoder.DecodeFrame(linkType, ticks, frame, out var segment);
        if (result == DecodeResult.Tcp)
            return WorkerFor(segment.Source.Address, segment.Destination.Address);
        if (result == DecodeResult.Fragment && IpFragment.TryRead(segment.Payload, out var fragment))
            return WorkerFor(fragment.Key.Source, fragment.Key.Destination);
        return 0;
    }

    private int WorkerFor(NetAddress one, NetAddress other) =>
        (int)((uint)FlowKey.From(new Endpoint(one, 0), new Endpoint(other, 0)).GetHashCode() % (uint)_workers.Length);

    /// <summary>No more frames: every worker processes what is queued, ends its open flows and reports them.</summary>
    public void Finish()
    {
        // Every worker catches up before any ends its flows: a session ended on one worker is judged
        // with what the others' sessions taught the shared knowledge (a server seen offering STARTTLS).
        StopVerdictTimer();
        foreach (var worker in _workers)
            worker.Drain();
        // As replay does: the probes still running get their bounded wait before the waiting sessions are judged.
        _crossCheck?.Settle();
        List<Exception> failures = [];
        foreach (var worker in _workers)
        {
            try
            {
                worker.Finish();
            }
            catch (Exception e)
            {
                failures.Add(e);
            }
        }
        if (_verdictFailure is not null)
            failures.Add(_verdictFailure);
        if (failures.Count > 0)
            throw new AggregateException(failures);
        ReportVerdicts(final: true);
    }

    /// <summary>
    /// The verdicts decided or changed since the last look (<see cref="VerdictUpdates"/>); at the end,
    /// once every worker has ended its flows, also those still inconclusive. Runs on a timer while
    /// capture goes on: a failure stops the timer and is thrown when capture stops.
    /// </summary>
    private void ReportVerdicts(bool final)
    {
        if (_crossCheck is null)
            return;
        lock (_verdictGate)
        {
            try
            {
                // The passive side and the store are written under the outputs' lock by the sessions threads.
                foreach (var verdict in _outputs.Read(() => _verdictUpdates.Select(_crossCheck.Verdicts(), final)))
                {
                    Verdicts++;
                    verdict.Run = _runId;
                    _outputs.OnVerdict(verdict);
                }
            }
            catch (Exception e) when (!final)
            {
                _verdictFailure ??= e;
                _verdictTimer?.Change(Timeout.Infinite, Timeout.Infinite);
            }
        }
    }

    /// <summary>Stops the timer and waits for a look still running, so none comes after the last one.</summary>
    private void StopVerdictTimer()
    {
        if (_verdictTimer is null)
            return;
        using var stopped = new ManualResetEvent(false);
        if (_verdictTimer.Dispose(stopped))
            stopped.WaitOne();
        _verdictTimer = null;
    }

    public LiveStats Snapshot()
    {
        var queues = _workers.Select(w => w.Queue).ToArray();
        var flows = _workers.Select(w => w.Pipeline.ReassemblyStats).ToArray();
        var fragments = _workers.Select(w => w.Pipeline.DefragmentStats).ToArray();
        return new LiveStats(
            Packets: queues.Sum(q => q.Accepted + q.Dropped),
            Bytes: queues.Sum(q => q.OfferedBytes),
            KernelDropped: _captures.Sum(c => c.KernelDropped),
            InterfaceDropped: _captures.Sum(c => c.InterfaceDropped),
            SensorDropped: queues.Sum(q => q.Dropped),
            FlowsCreated: flows.Sum(f => f.FlowsCreated),
            ActiveFlows: flows.Sum(f => (long)f.ActiveFlows),
            Sessions: Sessions,
            Findings: Findings,
            QueueDepths: queues.Select(q => q.Depth).ToArray(),
            ManagedBytes: GC.GetTotalMemory(false))
        {
            FlowsEvicted = flows.Sum(f => f.FlowsEvicted),
            BufferCapHits = flows.Sum(f => f.FlowBufferCapHits + f.GlobalBufferCapHits),
            IpFragments = fragments.Sum(f => f.Fragments),
            IpDatagramsGivenUp = fragments.Sum(f => f.DatagramsEvicted + f.DatagramsTimedOut),
            EvidenceFiles = _evidence.Sum(e => e?.FilesWritten ?? 0),
            EvidenceMissing = _evidence.Sum(e => e?.RingsMissing ?? 0),
            EvidenceRingBytes = _workers.Sum(w => w.Rings?.FootprintBytes ?? 0),
            MemoryBudgetBytes = Plan.BudgetBytes,
            NotDecoded = DecodeStats.Merge(_workers.Select(w => w.Pipeline.DecodeStats)),
            Decode = SumDecode(),
            Defragment = DefragmentStats.Sum(fragments),
        };
    }

    /// <summary>The workers' decode counters added up, by name (a worker's count read while it runs is a moment old, never torn: 64-bit).</summary>
    private Dictionary<string, long> SumDecode()
    {
        var total = new Dictionary<string, long>();
        foreach (var worker in _workers)
            foreach (var (name, count) in worker.Pipeline.DecodeStats.Counters())
                total[name] = total.GetValueOrDefault(name) + count;
        return total;
    }

    public void Dispose()
    {
        StopVerdictTimer();
        foreach (var worker in _workers)
            worker.Dispose();
    }

    private sealed class Handler(LiveSensor sensor) : IPacketHandler
    {
        public void OnPacket(in RawPacket packet) =>
            sensor.Offer(packet.TimestampTicks, packet.LinkType, packet.Data, packet.OriginalLength);
    }
}
