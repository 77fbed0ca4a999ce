using OdooLatencyProxy.Hosting;

return await ProxyRunner.RunAsync(args);
