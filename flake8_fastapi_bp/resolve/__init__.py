"""The shared resolution layer: module indexes, project modules, names, inference."""

from .module import FunctionNode, ModuleInfo
from .names import Definition, Resolver, Value, own_nodes
from .project import Project, module_for_file, project_for

__all__ = ["Definition", "FunctionNode", "ModuleInfo", "Project", "Resolver", "Value",
           "module_for_file", "own_nodes", "project_for"]
