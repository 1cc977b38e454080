using Spectre.Console;

namespace Sensor.Cli.Presentation;

/// <summary>The console human output goes to: a terminal's width, or, when stdout is a file or a pipe, lines that are never wrapped (a reader greps them).</summary>
public static class HumanConsole
{
    private const int UnwrappedWidth = 100_000;

    public static IAnsiConsole Stdout()
    {
        var console = AnsiConsole.Console;
        if (Console.IsOutputRedirected)
            console.Profile.Width = UnwrappedWidth;
        return console;
    }
}
