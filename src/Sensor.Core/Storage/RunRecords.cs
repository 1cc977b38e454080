using System.Security.Cryptography;
using Sensor.Core.Output;

namespace Sensor.Core.Storage;

/// <summary>The run records a replay and a live capture store when they start (<see cref="SensorStore.StartRun"/>).</summary>
public static class RunRecords
{
    public const string StandardInput = "-";

    public static RunRecord ForReplay(string sensor, IReadOnlyList<string> files) =>
        New("replay", sensor, run => run.Captures = [.. files.Select(f => new CaptureFileRecord { File = f, Bytes = f != StandardInput && File.Exists(f) ? new FileInfo(f).Length : null })]);

    public static RunRecord ForLive(string sensor, IReadOnlyList<string> interfaces) =>
        New("live", sensor, run => run.Interfaces = [.. interfaces]);

    private static RunRecord New(string mode, string sensor, Action<RunRecord> fill)
    {
        var now = DateTime.UtcNow;
        var start = Rfc3339.Format(now);
        var run = new RunRecord { Id = RunIds.New(now), Mode = mode, Sensor = sensor, Ts = start, Start = start };
        fill(run);
        return run;
    }

    /// <summary>
    /// The SHA-256 of each capture file that was read as a regular file, once the replay has read them
    /// (only then is it known which inputs were streams: stdin or a FIFO, read once, get none).
    /// </summary>
    public static void HashCaptures(RunRecord run, IReadOnlySet<string> streams)
    {
        foreach (var capture in run.Captures)
        {
            if (streams.Contains(capture.File) || capture.Bytes is null)
            {
                capture.Bytes = null; // a FIFO's size says nothing of what came through it
                continue;
            }
            try
            {
                using var file = new FileStream(capture.File, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.SequentialScan);
                capture.Sha256 = Convert.ToHexStringLower(SHA256.HashData(file));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // gone or unreadable since the replay read it: the run keeps no hash of it
            }
        }
    }
}
