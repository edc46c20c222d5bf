package dev.gatehouse;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Gatehouse: an OAuth 2.1 resource-server gateway for MCP servers. */
@SpringBootApplication
public class GatehouseApplication {

	public static void main(String[] args) {
		SpringApplication.run(GatehouseApplication.class, args);
	}

}
