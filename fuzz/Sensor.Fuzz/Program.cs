using SharpFuzz;

namespace Sensor.Fuzz;

/// <summary>
/// Coverage-guided fuzzing of everything that reads hostile bytes (fuzz/README.md).
///   Sensor.Fuzz afl TARGET           run under afl-fuzz (SharpFuzz's in-process persistent loop)
///   Sensor.Fuzz run TARGET PATH...   run files (or every file of folders) once each, e.g. a crash to reproduce
///   Sensor.Fuzz seeds CAPTURES RULES OUT   write the seed corpora, one folder per target
/// </summary>
public static class Program
{
    private delegate void Target(ReadOnlySpan<byte> data);

    private static readonly Dictionary<string, Target> Targets = new()
    {
        ["mail"] = MailTarget.Run,
        ["tls"] = TlsTarget.Run,
        ["sasl"] = SaslTarget.Run,
        ["packets"] = PacketTarget.Run,
        ["fragments"] = FragmentTarget.Run,
        ["frame"] = FrameTarget.Run,
        ["replay"] = ReplayTarget.Run,
        ["capturefile"] = CaptureFileTarget.Run,
        ["answer"] = ProbeTargets.ServerAnswer,
        ["dialogue"] = ProbeTargets.Dialogue,
        ["mtasts"] = ProbeTargets.MtaSts,
        ["rules"] = FileTargets.Rules,
        ["eff"] = FileTargets.EffPolicy,
        ["autoconfig"] = FileTargets.Autoconfig,
        ["certnames"] = CertificateTargets.Names,
    };

    public static int Main(string[] args)
    {
        if (args is ["seeds", var captures, var rules, var output])
        {
            Seeds.Write(captures, rules, output);
            return 0;
        }
        if (args.Length < 2 || !Targets.TryGetValue(args[1], out var target))
        {
            Console.Error.WriteLine($"usage: Sensor.Fuzz afl|run TARGET [PATH...] | seeds CAPTURES RULES OUT; targets: {string.Join(", ", Targets.Keys)}");
            return 2;
        }
        switch (args[0])
        {
            case "afl":
                // Out of process: a hang or an uncatchable crash (stack overflow) is saved as a finding instead of ending the run.
                Fuzzer.OutOfProcess.Run(stream =>
                {
                    using var buffer = new MemoryStream();
                    stream.CopyTo(buffer);
                    target(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
                });
                return 0;
            case "run":
                return RunFiles(target, args[2..]);
            default:
                Console.Error.WriteLine($"unknown mode {args[0]}");
                return 2;
        }
    }

    /// <summary>Runs each file; prints and counts the ones that throw.</summary>
    private static int RunFiles(Target target, string[] paths)
    {
        var files = paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p).Order() : (IEnumerable<string>)[p]).ToList();
        var failed = 0;
        foreach (var file in files)
        {
            try
            {
                target(File.ReadAllBytes(file));
            }
            catch (Exception e)
            {
                failed++;
                Console.WriteLine($"{file}: {e}");
            }
        }
        Console.WriteLine($"{files.Count - failed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }
}
