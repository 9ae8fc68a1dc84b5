"""xxgk.inference"""
