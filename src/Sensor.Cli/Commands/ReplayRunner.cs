using System.Diagnostics;
using Sensor.Cli.Presentation;
using Sensor.Core.Capture;
using Sensor.Core.CrossCheck;
using Sensor.Core.Output;
using Sensor.Core.Pipeline;
using Sensor.Core.Protocols.Text;
using Sensor.Core.Storage;
using Serilog;
using Spectre.Console;

namespace Sensor.Cli.Commands;

/// <summary>Runs one replay: opens the store and sinks, drives the pipeline over the files, reports.</summary>
public sealed class ReplayRunner(ReplaySettings settings)
{
    public int Run()
    {
        var stopwatch = Stopwatch.StartNew();
        using var store = OpenStore();
        var run = store is null ? null : StoreRun.Start(store, RunRecords.ForReplay(StoreRun.SensorName(settings.Fleet), settings.Options.Files));
        // With JSON Lines no summary is printed: only the highest severity is needed (--fail-on).
        var summary = settings.Json ? null : new RunSummary();
        var severity = new SeverityWatermark();
        var evidence = settings.Options.EvidenceDirectory is { } dir ? new EvidencePlan(EvidenceDirectory.Prepare(dir)) : null;
        using var stdout = Console.OpenStandardOutput();
        using var json = settings.Json ? new JsonLinesWriter(stdout) : null;
        using var jsonSink = json is null ? null : new QueuedJsonLinesSink(json);
        var counts = json is null ? null : new RecordCounts();
        var sinks = new List<IRecordSink>();
        if (counts is not null)
            sinks.Add(counts);
        if (evidence is not null)
            sinks.Add(evidence);
        sinks.Add(severity);
        if (summary is not null)
            sinks.Add(summary);
        if (jsonSink is not null)
            sinks.Add(jsonSink);
        if (store is not null)
            sinks.Add(new StoreSink(store, settings.StoreSessions));

        var mapper = new RecordMapper(new SecretRedactor(settings.ShowSecrets, SecretRedactor.KeyFor(settings.DbPath)), run?.Id);
        using var onTheFly = settings.OnTheFly?.Start(TimeProvider.System);
        using var fleet = FleetOptions.Start(settings.Fleet); // fleet mode: also to the bus, through the outbox
        if (fleet is not null)
            sinks.Add(new Sensor.Core.Fleet.FleetSink(fleet));
        var crossCheck = CrossCheckCli.Setup(store, onTheFly, settings.CrossCheckMaxAge ?? CrossCheckOptions.DefaultMaxAge,
            settings.SamePathVantages ?? CrossCheckOptions.Default.SamePathVantages);
        using var pipeline = new MailPipeline(settings.Options.Rules, settings.Options.Limits, store, mapper, sinks, crossCheck,
            parserBuffers: new BufferBudget(settings.Options.Memory.ParserBufferBytes));
        var read = ReadCaptures(pipeline);
        var stream = read.Files.FirstOrDefault(f => f.IsStream);
        if (evidence is not null && stream is null)
            foreach (var written in WriteEvidence(evidence, run?.Id))
                foreach (var sink in sinks)
                    sink.OnEvidence(written);
        jsonSink?.Complete();
        if (json is not null && counts is not null) // the last line: what the run counted
            json.Write(StatsRecord.ForReplay(pipeline.CaptureTicks, read, pipeline.DecodeStats, pipeline.DefragmentStats, pipeline.ReassemblyStats, counts));
        if (run is not null)
            StoreRun.FinishReplay(store!, run, read);
        if (evidence is not null && stream is not null)
            throw new UsageException($"--evidence reads the capture a second time, which {stream.Path} (a pipe or FIFO) cannot give: save it to a file first");

        List<string> warnings = [.. read.Truncations.Where(t => !t.Malformed).Select(t => t.Message), .. read.Files.Select(f => f.CutWarning).OfType<string>()];
        if (BudgetWarning(pipeline) is { } budget)
            warnings.Add(budget);
        foreach (var warning in warnings)
            Log.Warning("{Warning}", warning);
        LogStats(pipeline, read);
        if (onTheFly is not null)
            Log.Information("cross-check probes on the fly from {Vantages}: {Stats}", string.Join(", ", onTheFly.Prober.Vantages), onTheFly.Prober.Stats);
        if (summary is not null)
            SummaryPrinter.Print(HumanConsole.Stdout(), new ReplayReport(settings.Options.Files.Count, read.Packets, read.Bytes, stopwatch.Elapsed, summary, warnings,
                pipeline.DecodeStats.UnknownByName()));
        // A corrupt file is bad input (exit 2) once what came before the corruption has been reported.
        var malformed = read.Truncations.Where(t => t.Malformed).ToList();
        foreach (var file in malformed)
            Log.Error("{Error}", file.Message);
        if (malformed.Count > 0)
            return ExitCodes.BadInput;
        return settings.FailOn is { } threshold && severity.Highest >= threshold ? ExitCodes.FindingsAtThreshold : ExitCodes.Ok;
    }

    private CaptureResult ReadCaptures(MailPipeline pipeline)
    {
        var reader = new CaptureReader(settings.Options.Files);
        try
        {
            return settings.ShowProgress
                ? ProgressDisplay.Run(reader.Progress, () => PipelinePacketHandler.Run(reader, pipeline))
                : PipelinePacketHandler.Run(reader, pipeline);
        }
        catch (CaptureException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>Writes the evidence files in a second pass over the captures; one record per file written.</summary>
    private List<EvidenceRecord> WriteEvidence(EvidencePlan evidence, string? runId)
    {
        // The last ACK after both FINs belongs to no flow any more; a short tail keeps it in the evidence.
        var tail = TimeSpan.FromSeconds(2).Ticks;
        var requests = evidence.Requests;
        if (requests.Count == 0)
            return [];
        var selectors = requests.Select(r => new FlowSelector(r.Client, r.Server, r.FirstTicks, r.LastTicks + tail, r.Path)).ToList();
        var written = EvidenceExporter.Export(settings.Options.Files, selectors).PacketsWritten;
        return requests.Zip(written)
            .Where(x => x.Second > 0)
            .Select(x => new EvidenceRecord { Ts = x.First.Ts, Finding = x.First.FindingId, Session = x.First.SessionId, Pcap = x.First.Path, Packets = x.Second, Run = runId })
            .ToList();
    }

    /// <summary>Flows ended early to stay inside the memory budget: their sessions are cut, so the user is told how to keep them whole.</summary>
    private string? BudgetWarning(MailPipeline pipeline)
    {
        long evicted = pipeline.ReassemblyStats.FlowsEvicted;
        var memory = settings.Options.Memory;
        return evicted == 0 ? null
            : $"{evicted:N0} flows were ended early to keep {memory.FlowsPerWorker:N0} open at once inside the {memory.BudgetBytes >> 20} MiB memory budget " +
              "(anomaly flow-evicted on their sessions); a larger --memory-budget keeps more";
    }

    private SensorStore? OpenStore()
    {
        if (settings.DbPath is null)
            return null;
        try
        {
            return SensorStore.Open(settings.DbPath);
        }
        catch (StoreException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private static void LogStats(MailPipeline pipeline, CaptureResult read)
    {
        var decode = pipeline.DecodeStats;
        var flows = pipeline.ReassemblyStats;
        Log.Debug("decoded {Tcp} TCP, {NotTcp} other, {Malformed} malformed, {Truncated} truncated, {Fragments} fragments, {Unknown} not decoded",
            decode.Tcp, decode.NotTcp, decode.Malformed, decode.Truncated, decode.Fragment, decode.UnknownEncapsulation);
        foreach (var (kind, frames) in decode.UnknownByName())
            Log.Information("not decoded: {Frames} frames of {Kind}", frames, kind);
        Log.Debug("IP reassembly: {Stats}", pipeline.DefragmentStats);
        Log.Debug("reassembly: {Stats}", flows);
        Log.Debug("{Sessions} sessions ({Empty} empty connections not reported), {Findings} findings, {Verdicts} cross-check verdicts from {Packets} packets",
            pipeline.Sessions, pipeline.EmptySessions, pipeline.Findings, pipeline.Verdicts, read.Packets);
        Log.Debug("allocated {Allocated:N0} bytes, {Gen0} gen0 / {Gen1} gen1 / {Gen2} gen2 collections, peak working set {Peak:N0} bytes",
            GC.GetTotalAllocatedBytes(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), Environment.WorkingSet);
    }
}
