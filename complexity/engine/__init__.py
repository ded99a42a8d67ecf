"""The walk: passes shapes through a network's layers and costs each one."""
