namespace Sensor.Core.Storage;

/// <summary>
/// LiteDB creates its data file and its "-log" file (the write-ahead log it deletes at each clean
/// close) with the process umask, usually 0644. The store holds user names and findings, so both
/// files are made here first, empty and mode 0600, as the evidence pcaps
/// are: LiteDB then opens files that exist and keeps their mode.
/// </summary>
public static class OwnerOnlyFiles
{
    /// <summary>Creates <paramref name="liteDbPath"/> and its log file, empty and owner-only, where they do not exist yet.</summary>
    public static void PrepareLiteDb(string liteDbPath)
    {
        Create(liteDbPath);
        Create(LogFileOf(liteDbPath));
    }

    /// <summary>LiteDB 5's log file: "-log" before the extension (sensor.db, sensor-log.db).</summary>
    public static string LogFileOf(string liteDbPath) =>
        Path.Combine(Path.GetDirectoryName(liteDbPath) ?? "", Path.GetFileNameWithoutExtension(liteDbPath) + "-log" + Path.GetExtension(liteDbPath));

    private static void Create(string path)
    {
        if (OperatingSystem.IsWindows() || File.Exists(path))
            return;
        try
        {
            using var _ = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException) when (File.Exists(path))
        {
            // made meanwhile by another process: it keeps the mode it was made with
        }
    }
}
