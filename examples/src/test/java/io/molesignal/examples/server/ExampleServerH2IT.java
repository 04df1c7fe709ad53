package io.molesignal.examples.server;

class ExampleServerH2IT extends ExampleServerContract {
    @Override
    ServerConfig config(ServerConfig base) {
        return base;
    }
}
