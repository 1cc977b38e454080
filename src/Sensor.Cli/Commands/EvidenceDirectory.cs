namespace Sensor.Cli.Commands;

/// <summary>The --evidence folder of replay and live.</summary>
public static class EvidenceDirectory
{
    /// <summary>Creates it owner-only (evidence holds raw packets, passwords included); a failure is a usage error.</summary>
    public static string Prepare(string directory)
    {
        try
        {
            // Windows has no Unix mode: the folder inherits its parent's ACL there
            if (OperatingSystem.IsWindows())
                Directory.CreateDirectory(directory);
            else
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return directory;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot create the evidence directory '{directory}': {e.Message}");
        }
    }
}
