namespace Sensor.Cli.Commands;

/// <summary>The --evidence folder of replay and live.</summary>
public static class EvidenceDirectory
{
    /// <summary>Creates it owner-only (evidence holds raw packets, passwords included); a failure is a usage error.</summary>
    public static string Prepare(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return directory;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot create the evidence directory '{directory}': {e.Message}");
        }
    }
}
