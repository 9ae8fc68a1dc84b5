"""xxgk.training"""
