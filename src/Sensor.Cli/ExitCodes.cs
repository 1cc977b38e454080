namespace Sensor.Cli;

/// <summary>The exit codes of every `sensor` verb (README, "Use").</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>Findings at or above the --fail-on severity were made.</summary>
    public const int FindingsAtThreshold = 1;
    /// <summary>Bad usage or unreadable input (one clear line on stderr).</summary>
    public const int BadInput = 2;
    /// <summary>Stopped by Ctrl-C (SIGINT) before it finished, as a shell reports 128 + SIGINT; what was done is kept.</summary>
    public const int Interrupted = 130;
}
