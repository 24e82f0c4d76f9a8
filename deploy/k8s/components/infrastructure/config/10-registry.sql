-- Run once on a fresh Postgres (docker-entrypoint-initdb.d): the database of Apicurio Registry.
CREATE DATABASE registry;
