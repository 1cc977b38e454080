using Sensor.Core.Capture;
using Sensor.Core.Fleet;
using Sensor.Core.Output;
using Sensor.Core.Storage;
using Serilog;

namespace Sensor.Cli.Commands;

/// <summary>The run record of a replay or a live capture: stored as the run starts, finished as it ends (docs/store.md).</summary>
public static class StoreRun
{
    /// <summary>The name a run is stored under: the bus name when there is one (--sensor-name), else the configured one, else the host's.</summary>
    public static string SensorName(FleetSettings? fleet, string? configured = null) => fleet?.SensorName ?? configured ?? FleetSubjects.DefaultSensorName();

    /// <summary>
    /// Stores the run record, and from then on logs (at debug level) what each commit has made safe:
    /// a record counted in that line survives the process being killed.
    /// </summary>
    public static RunRecord Start(SensorStore store, RunRecord run)
    {
        store.StartRun(run);
        long sessions = 0, findings = 0;
        store.Committed += commit =>
        {
            sessions += commit.Sessions;
            findings += commit.Findings;
            Log.Debug("store: committed {Sessions} sessions and {Findings} findings of run {Run}, the last mail session {LastSession}",
                sessions, findings, run.Id, commit.LastSession ?? "-");
        };
        return run;
    }

    /// <summary>Hashes the capture files the replay read as files, then commits the rest and the run's end.</summary>
    public static void FinishReplay(SensorStore store, RunRecord run, CaptureResult read)
    {
        RunRecords.HashCaptures(run, read.Files.Where(f => f.IsStream).Select(f => f.Path).ToHashSet());
        store.FinishRun(run);
    }
}
