using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;

namespace Sensor.Cli.Service;

/// <summary>Where a configuration key was set, for error lines: "FILE:LINE" or "environment variable SENSOR__X__Y".</summary>
public sealed class ConfigSources(IConfigurationRoot root, string? file, IReadOnlyDictionary<string, int> lines)
{
    public string? File => file;

    /// <summary>The source that decides <paramref name="key"/> (the last that sets it), or null when only the defaults do.</summary>
    public string? Where(string key)
    {
        foreach (var provider in root.Providers.Reverse())
        {
            if (!provider.TryGet(key, out _) && !provider.GetChildKeys([], key).Any())
                continue;
            return provider switch
            {
                EnvironmentVariablesConfigurationProvider => $"environment variable {SettingsLoader.EnvironmentPrefix}{key.Replace(":", "__")}",
                JsonStreamConfigurationProvider when lines.TryGetValue(key, out int line) => $"{file}:{line}",
                _ => file,
            };
        }
        return null;
    }

    /// <summary>Rewrites <paramref name="key"/>'s value in the source that decides it, which stays the one named in errors.</summary>
    public void Replace(string key, string value) =>
        root.Providers.Reverse().FirstOrDefault(p => p.TryGet(key, out _))?.Set(key, value);

    /// <summary>An error about <paramref name="key"/>, prefixed with where it was set.</summary>
    public ConfigException Error(string key, string problem) =>
        new(Where(key) is { } where ? $"{where}: {key}: {problem}" : $"{key}: {problem}");
}
