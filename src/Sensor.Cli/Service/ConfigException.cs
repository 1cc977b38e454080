namespace Sensor.Cli.Service;

/// <summary>A configuration that cannot run: one line saying where (file:line, environment variable) and what; exit 2.</summary>
public sealed class ConfigException(string message) : Exception(message);
