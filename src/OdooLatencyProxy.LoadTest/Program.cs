using OdooLatencyProxy.LoadTest.Cli;

return await LoadTestCommandLine.InvokeAsync(args);
